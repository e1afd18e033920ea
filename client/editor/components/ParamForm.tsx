/** The params form of a module, generated from its JSON Schema. */

import type { CatalogEntry } from "../../../server/schema/catalog.js";
import type { ModuleInstance } from "../../../server/schema/workflow-document.js";
import { paramFields } from "../core/param-fields.js";
import { useStore } from "../hooks/useEditor.js";
import { ParamInput } from "./ParamInput.js";

export function ParamForm({ module, entry }: { module: ModuleInstance; entry: CatalogEntry }) {
  const store = useStore();
  const fields = paramFields(entry.params);
  if (fields.length === 0) return <p className="lf-muted">No parameters.</p>;
  return (
    <fieldset className="lf-params">
      <legend>Parameters</legend>
      {fields.map((field) => (
        <ParamInput
          key={`${module.id}:${field.key}`}
          field={field}
          value={module.params?.[field.key]}
          onCommit={(value) => store.setParam(module.id, field.key, value)}
        />
      ))}
    </fieldset>
  );
}
