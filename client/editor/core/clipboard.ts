/**
 * Copy and paste of modules: pasted modules get fresh ids, and their inner connections and the
 * groups wholly copied follow.
 */
import type {
  Connection,
  Group,
  ModuleInstance,
  WorkflowDocument,
} from "../../../server/schema/workflow-document.js";
import { type Edit, edit } from "./edit.js";
import { addPastedGroups, groupsWithin } from "./groups.js";
import { freshId, moduleIds } from "./ids.js";

/** What Copy keeps: the modules, the connections among them and the groups made only of them. */
export interface Clipboard {
  modules: ModuleInstance[];
  connections: Connection[];
  groups?: Group[];
}

export function copyModules(doc: WorkflowDocument, ids: Iterable<string>): Clipboard {
  const chosen = new Set(ids);
  const groups = groupsWithin(doc, chosen);
  return structuredClone({
    modules: doc.modules.filter((m) => chosen.has(m.id)),
    connections: doc.connections.filter((c) => chosen.has(c.from.module) && chosen.has(c.to.module)),
    ...(groups.length > 0 ? { groups } : {}),
  });
}

/**
 * Pastes a clipboard, offset by `offset`; every module gets an id unused in the document (and
 * among the pasted ones), and connections are rewired to the new ids.
 */
export function paste(
  doc: WorkflowDocument,
  clipboard: Clipboard,
  offset: { x: number; y: number },
): Edit & { ids: string[] } {
  const taken = moduleIds(doc);
  const renamed = new Map<string, string>();
  const modules = clipboard.modules.map((m): ModuleInstance => {
    const id = freshId(m.id, taken);
    taken.add(id);
    renamed.set(m.id, id);
    const position = m.position ?? { x: 0, y: 0 };
    return { ...structuredClone(m), id, position: { x: position.x + offset.x, y: position.y + offset.y } };
  });
  const connections = clipboard.connections.flatMap((c): Connection[] => {
    const from = renamed.get(c.from.module);
    const to = renamed.get(c.to.module);
    return from && to
      ? [{ from: { module: from, port: c.from.port }, to: { module: to, port: c.to.port } }]
      : [];
  });
  const result = edit(doc, (d) => {
    d.modules.push(...modules);
    d.connections.push(...connections);
    if (clipboard.groups) addPastedGroups(d, clipboard.groups, renamed);
  });
  return { ...result, ids: modules.map((m) => m.id) };
}
