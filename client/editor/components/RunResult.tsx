/** The last run of one module: its state, error and outputs, as the inspector shows them. */
import type { ModuleRunState } from "../../platform/api/runs.js";

const MAX_CHARS = 20_000;

function show(value: unknown): string {
  const text = typeof value === "string" ? value : (JSON.stringify(value, null, 2) ?? String(value));
  return text.length > MAX_CHARS
    ? `${text.slice(0, MAX_CHARS)}\n... (${text.length - MAX_CHARS} more characters)`
    : text;
}

export function RunResult({ moduleId, state }: { moduleId: string; state: ModuleRunState | undefined }) {
  return (
    <section className="lf-run-result" aria-label="Run result">
      <h3>Last run</h3>
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
                    <pre className="lf-code" data-port={port}>
                      {show(value)}
                    </pre>
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
