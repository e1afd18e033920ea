/**
 * The results of one module in the run shown: its state, error and every output in a viewer of its
 * type (numbers and strings inline, tables as a grid, JSON as a tree, files with a Download link).
 */
import type { PortSpecView } from "../../../server/schema/catalog.js";
import type { ModuleRunState } from "../../platform/api/runs.js";
import { OutputView } from "../../results/OutputView.js";

interface RunResultProps {
  moduleId: string;
  runId: string;
  state: ModuleRunState | undefined;
  /** The module's output ports (from the catalog): their types choose the viewers. */
  outputs: Readonly<Record<string, PortSpecView>> | undefined;
}

export function RunResult({ moduleId, runId, state, outputs }: RunResultProps) {
  return (
    <section className="lf-run-result" aria-label="Results">
      <h3>Results</h3>
      {!state ? (
        <p className="lf-muted">{moduleId} has not run in the run shown.</p>
      ) : (
        <>
          <p>
            <span className={`lf-badge badge-${state.status}`}>{state.status}</span>
            {state.progress !== undefined && <span> {Math.round(state.progress * 100)}%</span>}
            {state.message && <span className="lf-muted"> {state.message}</span>}
          </p>
          {state.error && (
            <div className="lf-run-error" role="alert">
              <strong>{state.error.code}</strong>
              {state.error.port && <span> (port {state.error.port})</span>}: {state.error.message}
            </div>
          )}
          {state.outputs && Object.keys(state.outputs).length > 0 && (
            <dl className="lf-outputs-list" aria-label="Outputs">
              {Object.entries(state.outputs).map(([port, value]) => (
                <div key={port}>
                  <dt>{port}</dt>
                  <dd>
                    <OutputView runId={runId} port={port} type={outputs?.[port]?.type} value={value} />
                  </dd>
                </div>
              ))}
            </dl>
          )}
        </>
      )}
    </section>
  );
}
