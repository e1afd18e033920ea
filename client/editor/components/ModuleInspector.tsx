/** The inspector of one module: id, label, type, problems and params form (results: its own tab). */
import { useEffect, useId, useState } from "react";
import type { ModuleInstance } from "../../../server/schema/workflow-document.js";
import type { Problem } from "../core/problems.js";
import { useEditor, useStore } from "../hooks/useEditor.js";
import { ParamForm } from "./ParamForm.js";

interface ModuleInspectorProps {
  module: ModuleInstance;
  problems: readonly Problem[] | undefined;
}

function IdField({ id }: { id: string }) {
  const store = useStore();
  const inputId = useId();
  const [text, setText] = useState(id);
  const [error, setError] = useState<string>();
  useEffect(() => {
    setText(id);
    setError(undefined);
  }, [id]);
  const commit = () => {
    if (text === id) return setError(undefined);
    setError(store.renameModule(id, text.trim()));
  };
  return (
    <div className={`lf-field${error ? " is-invalid" : ""}`}>
      <label htmlFor={inputId}>Module id</label>
      <input
        id={inputId}
        type="text"
        value={text}
        aria-invalid={error ? true : undefined}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === "Enter") commit();
          if (e.key === "Escape") setText(id);
        }}
      />
      <div className="lf-field-problem" aria-live="polite">
        {error}
      </div>
    </div>
  );
}

export function ModuleInspector({ module, problems }: ModuleInspectorProps) {
  const store = useStore();
  const entry = useEditor((s) => s.catalog.get(module.type));
  const labelId = useId();
  return (
    <div className="lf-module-inspector">
      <h2>{module.label ?? entry?.label ?? module.type}</h2>
      <p className="lf-muted">
        {module.type}
        {module.version !== undefined && ` v${module.version}`}
        {entry?.isJob && " (job)"}
      </p>
      {entry?.description && <p className="lf-description">{entry.description}</p>}
      <IdField id={module.id} />
      <div className="lf-field">
        <label htmlFor={labelId}>Label</label>
        <input
          id={labelId}
          type="text"
          value={module.label ?? ""}
          placeholder={entry?.label}
          onChange={(e) => store.setLabel(module.id, e.target.value)}
        />
      </div>
      {problems && (
        <ul className="lf-problems" aria-label="Problems">
          {problems.map((p) => (
            <li key={`${p.code}:${p.port ?? ""}:${p.field ?? ""}:${p.message}`}>{p.message}</li>
          ))}
        </ul>
      )}
      {entry ? (
        <ParamForm module={module} entry={entry} />
      ) : (
        <p className="lf-error-text">
          The server has no module type "{module.type}": its params cannot be edited.
        </p>
      )}
    </div>
  );
}
