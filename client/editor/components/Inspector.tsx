/**
 * The right-hand sidebar (region "Inspector"), in tabs:
 * - **Inspector**: the selected module's form, the selected connections, or, with nothing
 *   selected, the workflow itself and its problems;
 * - **Results**: the selected module's outputs in the run shown, its instrument data plotted, its
 *   log entries;
 * - **Log**: the run's whole log, filterable.
 */
import { type ReactNode, useState } from "react";
import { ModuleJobPlot } from "../../instruments/ModuleJobPlot.js";
import { RunLogView } from "../../results/RunLogView.js";
import { connectionKey } from "../core/connections.js";
import type { ProblemMap } from "../core/problems.js";
import { useEditor, useStore } from "../hooks/useEditor.js";
import type { RunView } from "../run/run-state.js";
import { ModuleInspector } from "./ModuleInspector.js";
import { RunResult } from "./RunResult.js";
import { WorkflowInspector } from "./WorkflowInspector.js";

interface InspectorProps {
  problems: ProblemMap;
  run: RunView | undefined;
}

const TABS = ["Inspector", "Results", "Log"] as const;
type Tab = (typeof TABS)[number];

export function Inspector({ problems, run }: InspectorProps) {
  const store = useStore();
  const doc = useEditor((s) => s.doc);
  const catalog = useEditor((s) => s.catalog);
  const selection = useEditor((s) => s.selection);
  const [tab, setTab] = useState<Tab>("Inspector");
  const selectedId = selection.modules.size === 1 ? [...selection.modules][0] : undefined;
  const module = selectedId === undefined ? undefined : doc.modules.find((m) => m.id === selectedId);

  let body: ReactNode;
  if (tab === "Log") {
    body = run ? <RunLogView key={run.runId} runId={run.runId} /> : <p className="lf-muted">No run shown.</p>;
  } else if (tab === "Results") {
    if (!run) body = <p className="lf-muted">No run shown: run the workflow to see its results.</p>;
    else if (!module) body = <p className="lf-muted">Select a module to see its results.</p>;
    else
      body = (
        <>
          <h2>{module.label ?? catalog.get(module.type)?.label ?? module.type}</h2>
          <RunResult
            moduleId={module.id}
            runId={run.runId}
            state={run.modules[module.id]}
            outputs={catalog.get(module.type)?.outputs}
          />
          <ModuleJobPlot
            runId={run.runId}
            moduleId={module.id}
            moduleType={module.type}
            status={run.modules[module.id]?.status}
          />
          <RunLogView key={`${run.runId}:${module.id}`} runId={run.runId} moduleId={module.id} />
        </>
      );
  } else if (module) {
    body = <ModuleInspector module={module} problems={problems.get(module.id)} />;
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
    body = <WorkflowInspector problems={problems} />;
  }

  return (
    <section className="lf-inspector" aria-label="Inspector">
      <div className="lf-panel-head lf-sidebar-tabs" role="tablist" aria-label="Sidebar">
        {TABS.map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            aria-selected={tab === name}
            className={tab === name ? "is-active" : undefined}
            onClick={() => setTab(name)}
          >
            {name}
          </button>
        ))}
      </div>
      <div className="lf-inspector-body" role="tabpanel" aria-label={tab}>
        {body}
      </div>
    </section>
  );
}
