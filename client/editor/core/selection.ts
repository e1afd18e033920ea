/** The selection: modules and connections (by key), kept apart from the document and its history. */
import type { WorkflowDocument } from "../../../server/schema/workflow-document.js";
import { connectionKey } from "./connections.js";

export interface Selection {
  modules: ReadonlySet<string>;
  connections: ReadonlySet<string>;
}

export const NO_SELECTION: Selection = { modules: new Set(), connections: new Set() };

export const selectModules = (ids: Iterable<string>): Selection => ({
  modules: new Set(ids),
  connections: new Set(),
});

export const selectEverything = (doc: WorkflowDocument): Selection => ({
  modules: new Set(doc.modules.map((m) => m.id)),
  connections: new Set(doc.connections.map(connectionKey)),
});

/** The selection without what the document no longer has (after undo, delete, open). */
export function prune(doc: WorkflowDocument, selection: Selection): Selection {
  if (selection.modules.size === 0 && selection.connections.size === 0) return selection;
  const ids = new Set(doc.modules.map((m) => m.id));
  const keys = new Set(doc.connections.map(connectionKey));
  return {
    modules: new Set([...selection.modules].filter((id) => ids.has(id))),
    connections: new Set([...selection.connections].filter((k) => keys.has(k))),
  };
}
