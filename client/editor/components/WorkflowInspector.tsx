/** With nothing selected: the workflow's name and description, its size and its problems. */
import { useId } from "react";
import type { ProblemMap } from "../core/problems.js";
import { useEditor, useStore } from "../hooks/useEditor.js";

const MAX_LISTED = 50;

export function WorkflowInspector({ problems }: { problems: ProblemMap }) {
  const store = useStore();
  const doc = useEditor((s) => s.doc);
  const nameId = useId();
  const descriptionId = useId();
  const listed = [...problems.values()].flat().slice(0, MAX_LISTED);
  const total = [...problems.values()].reduce((n, list) => n + list.length, 0);
  return (
    <div>
      <h2>Workflow</h2>
      <div className="lf-field">
        <label htmlFor={nameId}>Name</label>
        <input
          id={nameId}
          type="text"
          value={doc.name}
          aria-invalid={doc.name === "" ? true : undefined}
          onChange={(e) => store.setWorkflowInfo({ name: e.target.value })}
        />
        <div className="lf-field-problem" aria-live="polite">
          {doc.name === "" && "A workflow needs a name to be saved or run."}
        </div>
      </div>
      <div className="lf-field">
        <label htmlFor={descriptionId}>Description</label>
        <textarea
          id={descriptionId}
          rows={3}
          value={doc.description ?? ""}
          onChange={(e) => store.setWorkflowInfo({ description: e.target.value })}
        />
      </div>
      <p className="lf-muted">
        {doc.modules.length} modules, {doc.connections.length} connections
      </p>
      {total > 0 ? (
        <>
          <h3>Problems ({total})</h3>
          <ul className="lf-problems" aria-label="Problems">
            {listed.map((p) => (
              <li key={`${p.moduleId}:${p.code}:${p.port ?? ""}:${p.field ?? ""}:${p.message}`}>
                <button
                  type="button"
                  className="lf-link"
                  onClick={() => store.select({ modules: new Set([p.moduleId]), connections: new Set() })}
                >
                  {p.moduleId}
                </button>
                : {p.message}
              </li>
            ))}
          </ul>
        </>
      ) : (
        doc.modules.length > 0 && <p className="lf-ok">No problems found.</p>
      )}
    </div>
  );
}
