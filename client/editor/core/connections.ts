/**
 * Connections: the type check that refuses a connection with a reason a person can act on, and
 * connect/disconnect. An input takes one connection: a new one into a connected input REPLACES
 * the old one (the edit says which it replaced).
 */

import { reaches } from "../../../server/schema/graph-check.js";
import { whyCannotConnect } from "../../../server/schema/port-types.js";
import type { Connection, WorkflowDocument } from "../../../server/schema/workflow-document.js";
import type { Catalog } from "../../platform/api/catalog.js";
import { type Edit, edit } from "./edit.js";
import { portSpec, portTypeOf } from "./ports.js";

/** A stable key of a connection, also the canvas edge id. */
export const connectionKey = (c: Connection): string =>
  `${c.from.module}:${c.from.port}->${c.to.module}:${c.to.port}`;

const sameInput = (a: Connection, b: Connection) => a.to.module === b.to.module && a.to.port === b.to.port;

/**
 * Why this connection cannot be made, naming both ports and their types; undefined when it can.
 * With an empty catalog (not loaded yet) the port types are not checked.
 */
export function validateConnection(
  doc: WorkflowDocument,
  catalog: Catalog,
  c: Connection,
): string | undefined {
  const from = doc.modules.find((m) => m.id === c.from.module);
  const to = doc.modules.find((m) => m.id === c.to.module);
  if (!from) return `there is no module "${c.from.module}"`;
  if (!to) return `there is no module "${c.to.module}"`;
  if (from.id === to.id) return `${from.id} cannot feed itself`;
  const out = portSpec(catalog, from, "output", c.from.port);
  const inp = portSpec(catalog, to, "input", c.to.port);
  if (catalog.has(from.type) && !out) return `${from.id} has no output "${c.from.port}"`;
  if (catalog.has(to.type) && !inp) return `${to.id} has no input "${c.to.port}"`;
  const fromType = portTypeOf(out);
  const toType = portTypeOf(inp);
  const why = whyCannotConnect(fromType, toType);
  if (why) return `${from.id}.${c.from.port} (${fromType}) -> ${to.id}.${c.to.port} (${toType}): ${why}`;
  // Whether `to` already reaches `from`: then from -> to would close a cycle.
  if (reaches(doc, to.id, from.id))
    return `${from.id}.${c.from.port} -> ${to.id}.${c.to.port} would close a cycle (${to.id} already feeds ${from.id})`;
  return undefined;
}

export type ConnectResult = { ok: true; edit: Edit; replaced?: Connection } | { ok: false; reason: string };

/** Connects an output to an input, replacing the input's earlier connection. */
export function connect(doc: WorkflowDocument, catalog: Catalog, c: Connection): ConnectResult {
  const reason = validateConnection(doc, catalog, c);
  if (reason) return { ok: false, reason };
  const replaced = doc.connections.find((x) => sameInput(x, c));
  if (replaced && connectionKey(replaced) === connectionKey(c))
    return { ok: true, edit: edit(doc, () => {}) };
  const connection: Connection = { from: { ...c.from }, to: { ...c.to } };
  const result = edit(doc, (d) => {
    const index = d.connections.findIndex((x) => sameInput(x, c));
    if (index >= 0) d.connections[index] = connection;
    else d.connections.push(connection);
  });
  return replaced ? { ok: true, edit: result, replaced } : { ok: true, edit: result };
}

/** Removes connections by key. */
export function removeConnections(doc: WorkflowDocument, keys: Iterable<string>): Edit {
  const gone = new Set(keys);
  return edit(doc, (d) => {
    if (doc.connections.some((c) => gone.has(connectionKey(c))))
      d.connections = d.connections.filter((c) => !gone.has(connectionKey(c)));
  });
}
