/** Graph operations on modules: add, remove, move, rename, label, params. Pure, over Immer. */

import type { CatalogEntry } from "../../../server/schema/catalog.js";
import type {
  Connection,
  ModuleInstance,
  WorkflowDocument,
} from "../../../server/schema/workflow-document.js";
import { type Edit, edit } from "./edit.js";
import { dropFromGroups, renameInGroups } from "./groups.js";
import { freshIdForType, isValidModuleId, moduleIds } from "./ids.js";
import { defaultsOf } from "./json-schema.js";

export interface Position {
  x: number;
  y: number;
}

export const emptyDocument = (name = "untitled"): WorkflowDocument => ({
  version: 1,
  name,
  modules: [],
  connections: [],
});

/** Adds a module of a catalog type, with its declared param defaults, at a position. */
export function addModule(
  doc: WorkflowDocument,
  entry: CatalogEntry,
  position: Position,
  id = freshIdForType(entry.type, moduleIds(doc)),
): Edit & { id: string } {
  const module: ModuleInstance = {
    id,
    type: entry.type,
    version: entry.version,
    params: defaultsOf(entry.params),
    position: { x: Math.round(position.x), y: Math.round(position.y) },
  };
  return { ...edit(doc, (d) => void d.modules.push(module)), id };
}

/** Removes modules and every connection attached to them. */
export function removeModules(doc: WorkflowDocument, ids: Iterable<string>): Edit {
  const gone = new Set(ids);
  const attached = (c: Connection) => gone.has(c.from.module) || gone.has(c.to.module);
  return edit(doc, (d) => {
    // One replace of each array, not a patch per shifted index.
    if (doc.modules.some((m) => gone.has(m.id))) d.modules = d.modules.filter((m) => !gone.has(m.id));
    if (doc.connections.some(attached)) d.connections = d.connections.filter((c) => !attached(c));
    dropFromGroups(d, gone);
  });
}

/**
 * Moves modules, and notes, to new positions (rounded to whole pixels); keys are canvas node ids
 * (a module's id, a note's `note:<id>`).
 */
export function moveModules(doc: WorkflowDocument, positions: ReadonlyMap<string, Position>): Edit {
  return edit(doc, (d) => {
    const place = (item: { position?: Position | undefined }, p: Position | undefined) => {
      if (!p) return;
      const x = Math.round(p.x);
      const y = Math.round(p.y);
      if (item.position?.x !== x || item.position?.y !== y) item.position = { x, y };
    };
    for (const m of d.modules) place(m, positions.get(m.id));
    for (const n of d.notes ?? []) place(n, positions.get(`note:${n.id}`));
  });
}

/** Sets one param; `undefined` removes it, so the module's default applies. */
export function setParam(doc: WorkflowDocument, moduleId: string, key: string, value: unknown): Edit {
  return edit(doc, (d) => {
    const m = d.modules.find((x) => x.id === moduleId);
    if (!m) return;
    if (value === undefined) {
      if (m.params && key in m.params) delete m.params[key];
    } else if (JSON.stringify(m.params?.[key]) !== JSON.stringify(value)) {
      m.params ??= {};
      m.params[key] = value;
    }
  });
}

/** Sets the display label; an empty label removes it (the catalog label shows). */
export function setLabel(doc: WorkflowDocument, moduleId: string, label: string): Edit {
  return edit(doc, (d) => {
    const m = d.modules.find((x) => x.id === moduleId);
    if (!m) return;
    if (label.trim() === "") delete m.label;
    else if (m.label !== label) m.label = label;
  });
}

export type RenameResult = { ok: true; edit: Edit } | { ok: false; reason: string };

/** Renames a module and every connection that names it. */
export function renameModule(doc: WorkflowDocument, from: string, to: string): RenameResult {
  if (from === to) return { ok: true, edit: edit(doc, () => {}) };
  if (!isValidModuleId(to))
    return { ok: false, reason: `"${to}": an id starts with a letter or _ and holds letters, digits, _ . -` };
  if (doc.modules.some((m) => m.id === to)) return { ok: false, reason: `the id "${to}" is taken` };
  return {
    ok: true,
    edit: edit(doc, (d) => {
      for (const m of d.modules) if (m.id === from) m.id = to;
      for (const c of d.connections) {
        if (c.from.module === from) c.from.module = to;
        if (c.to.module === from) c.to.module = to;
      }
      renameInGroups(d, from, to);
    }),
  };
}

/** Sets the workflow's name and description. */
export function setWorkflowInfo(doc: WorkflowDocument, info: { name?: string; description?: string }): Edit {
  return edit(doc, (d) => {
    if (info.name !== undefined && info.name !== d.name) d.name = info.name;
    if (info.description !== undefined) {
      if (info.description === "") delete d.description;
      else if (info.description !== d.description) d.description = info.description;
    }
  });
}
