/**
 * Groups of modules: make, name, collapse, ungroup; and keeping groups true when modules go or
 * are renamed. Pure, over Immer. On the canvas a group's node id is `group:<id>` (no module id
 * has a colon). A module is in one group at most; grouping it again moves it.
 */
import type { Group, WorkflowDocument } from "../../../server/schema/workflow-document.js";
import { type Edit, edit } from "./edit.js";

const PREFIX = "group:";
export const groupNodeId = (id: string): string => `${PREFIX}${id}`;
/** The group id of a canvas node id, or undefined for another node. */
export const groupIdOf = (nodeId: string): string | undefined =>
  nodeId.startsWith(PREFIX) ? nodeId.slice(PREFIX.length) : undefined;

function freshGroupId(doc: WorkflowDocument): string {
  const taken = new Set((doc.groups ?? []).map((g) => g.id));
  let i = 1;
  while (taken.has(`group${i}`)) i++;
  return `group${i}`;
}

/** The groups whose every module is among `ids`: what a copy of those modules carries along. */
export function groupsWithin(doc: WorkflowDocument, ids: ReadonlySet<string>): Group[] {
  return (doc.groups ?? []).filter((g) => g.modules.length > 0 && g.modules.every((m) => ids.has(m)));
}

/**
 * Adds copies of `groups` whose modules were pasted under new ids (`renamed`: old id -> new id),
 * each under a fresh group id, with its name and collapsed state. Used by `paste`.
 */
export function addPastedGroups(
  d: WorkflowDocument,
  groups: readonly Group[],
  renamed: ReadonlyMap<string, string>,
): void {
  for (const g of groups) {
    const modules = g.modules.flatMap((m) => renamed.get(m) ?? []);
    if (modules.length === 0) continue;
    const copy: Group = { ...structuredClone(g), id: freshGroupId(d), modules };
    d.groups ??= [];
    d.groups.push(copy);
  }
}

/** Drops the `groups` field when no group is left, so a document without groups stays as it was. */
function tidy(d: WorkflowDocument): void {
  if (!d.groups) return;
  const kept = d.groups.filter((g) => g.modules.length > 0);
  if (kept.length === 0) delete d.groups;
  else if (kept.length !== d.groups.length) d.groups = kept;
}

/** Groups the modules `ids` (those that exist), taking them out of any other group. */
export function groupModules(
  doc: WorkflowDocument,
  ids: Iterable<string>,
  name?: string,
): (Edit & { id: string }) | undefined {
  const existing = new Set(doc.modules.map((m) => m.id));
  const members = [...new Set(ids)].filter((id) => existing.has(id));
  if (members.length === 0) return undefined;
  const id = freshGroupId(doc);
  const group: Group = { id, name: name ?? `Group ${id.slice(5)}`, modules: members };
  const chosen = new Set(members);
  return {
    ...edit(doc, (d) => {
      for (const g of d.groups ?? [])
        if (g.modules.some((m) => chosen.has(m))) g.modules = g.modules.filter((m) => !chosen.has(m));
      tidy(d);
      d.groups ??= [];
      d.groups.push(group);
    }),
    id,
  };
}

export function setGroupName(doc: WorkflowDocument, id: string, name: string): Edit {
  return edit(doc, (d) => {
    const group = d.groups?.find((g) => g.id === id);
    if (group && group.name !== name) group.name = name;
  });
}

export function setGroupCollapsed(doc: WorkflowDocument, id: string, collapsed: boolean): Edit {
  return edit(doc, (d) => {
    const group = d.groups?.find((g) => g.id === id);
    if (!group || (group.collapsed ?? false) === collapsed) return;
    if (collapsed) group.collapsed = true;
    else delete group.collapsed;
  });
}

/** Removes groups (their modules stay). */
export function ungroup(doc: WorkflowDocument, ids: Iterable<string>): Edit {
  const gone = new Set(ids);
  return edit(doc, (d) => {
    if (!d.groups?.some((g) => gone.has(g.id))) return;
    d.groups = d.groups.filter((g) => !gone.has(g.id));
    tidy(d);
  });
}

/** Takes removed modules out of their groups (a group left empty goes). Used by `removeModules`. */
export function dropFromGroups(d: WorkflowDocument, gone: ReadonlySet<string>): void {
  if (!d.groups?.some((g) => g.modules.some((m) => gone.has(m)))) return;
  for (const g of d.groups)
    if (g.modules.some((m) => gone.has(m))) g.modules = g.modules.filter((m) => !gone.has(m));
  tidy(d);
}

/** Follows a module's new id in its group. Used by `renameModule`. */
export function renameInGroups(d: WorkflowDocument, from: string, to: string): void {
  for (const g of d.groups ?? []) {
    const i = g.modules.indexOf(from);
    if (i >= 0) g.modules[i] = to;
  }
}

/** The modules hidden on the canvas: those of collapsed groups. */
export function hiddenModules(doc: WorkflowDocument): Set<string> {
  return new Set((doc.groups ?? []).filter((g) => g.collapsed).flatMap((g) => g.modules));
}
