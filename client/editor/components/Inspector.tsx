/**
 * The inspector (region "Inspector"): the selected module's form and last run, the selected
 * connections, or, with nothing selected, the workflow itself and its problems.
 */
import type { ReactNode } from "react";
import { ModuleJobPlot } from "../../instruments/ModuleJobPlot.js";
import { RunLogView } from "../../results/RunLogView.js";
import { connectionKey } from "../core/connections.js";
import type { ProblemMap } from "../core/problems.js";
import { useEditor, useStore } from "../hooks/useEditor.js";
import type { RunView } from "../run/run-state.js";
import { ModuleInspector } from "./ModuleInspector.js";
import { WorkflowInspector } from "./WorkflowInspector.js";

interface InspectorProps {
  problems: ProblemMap;
  run: RunView | undefined;
}

export function Inspector({ problems, run }: InspectorProps) {
  const store = useStore();
  const doc = useEditor((s) => s.doc);
  const selection = useEditor((s) => s.selection);
  const selectedId = selection.modules.size === 1 ? [...selection.modules][0] : undefined;
  const module = selectedId === undefined ? undefined : doc.modules.find((m) => m.id === selectedId);

  let body: ReactNode;
  if (module) {
    body = (
      <>
        <ModuleInspector
          module={module}
          problems={problems.get(module.id)}
          run={run?.modules[module.id]}
          runId={run?.runId}
        />
        {run && (
          <ModuleJobPlot
            runId={run.runId}
            moduleId={module.id}
            moduleType={module.type}
            status={run.modules[module.id]?.status}
          />
        )}
      </>
    );
  } else if (selection.modules.size > 0 || selection.connections.size > 0) {
    const connections = doc.connections.filter((c) => selection.connections.has(connectionKey(c)));
    body = (
      <div>
        <h2>Selection</h2>
        <p>
          {selection.modules.size} modules, {selection.connections.size} connections
        </p>
        {connections.length > 0 && (
          <ul className="lf-connection-list" aria-label="Selected connections">
            {connections.map((c) => (
              <li key={connectionKey(c)}>
                {c.from.module}.{c.from.port} &rarr; {c.to.module}.{c.to.port}
              </li>
            ))}
          </ul>
        )}
        <button type="button" onClick={() => store.deleteSelection()}>
          Delete selection
        </button>
      </div>
    );
  } else {
    body = (
      <>
        <WorkflowInspector problems={problems} />
        {run && <RunLogView runId={run.runId} />}
      </>
    );
  }

  return (
    <section className="lf-inspector" aria-label="Inspector">
      <div className="lf-panel-head">Inspector</div>
      <div className="lf-inspector-body">{body}</div>
    </section>
  );
}
