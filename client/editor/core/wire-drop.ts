/**
 * A wire dropped on a module rather than on a port: which input it goes to. On an input's row (its
 * name, left half of the module) it is that input; anywhere else on the module, the first input
 * that is free and takes the output's type. The same rules as a drop on a handle
 * (`validateConnection`) decide, so a drop never makes a connection a handle would refuse.
 */
import type { Connection, PortRef, WorkflowDocument } from "../../../server/schema/workflow-document.js";
import type { Catalog } from "../../platform/api/catalog.js";
import { validateConnection } from "./connections.js";
import { moduleSize, NODE_WIDTH, PORT_ROW, PORTS_TOP } from "./module-box.js";
import type { Position } from "./modules.js";
import { portsFromConnections } from "./ports.js";

export type WireDrop = { ok: true; connection: Connection } | { ok: false; reason: string };

/**
 * The connection a wire from output `from` makes when dropped at `point` (canvas coordinates);
 * undefined when no other module is under the point. Modules in `hidden` (those of collapsed
 * groups) are not on the canvas and take no drop.
 */
export function wireDropOnModule(
  doc: WorkflowDocument,
  catalog: Catalog,
  from: PortRef,
  point: Position,
  hidden: ReadonlySet<string> = new Set(),
): WireDrop | undefined {
  // The topmost module (the last drawn) under the point, other than the wire's own.
  const target = doc.modules.findLast((m) => {
    if (m.id === from.module || hidden.has(m.id)) return false;
    const { x, y } = m.position ?? { x: 0, y: 0 };
    const { width, height } = moduleSize(doc, catalog, m);
    return point.x >= x && point.x <= x + width && point.y >= y && point.y <= y + height;
  });
  if (!target) return undefined;
  const ports = catalog.get(target.type) ?? portsFromConnections(doc, target.id);
  const inputs = Object.keys(ports.inputs);
  const to = (port: string): Connection => ({ from: { ...from }, to: { module: target.id, port } });
  const { x, y } = target.position ?? { x: 0, y: 0 };

  const row = Math.floor((point.y - y - PORTS_TOP) / PORT_ROW);
  const onLabel = point.x < x + NODE_WIDTH / 2 ? inputs[row] : undefined;
  if (row >= 0 && onLabel !== undefined) {
    const reason = validateConnection(doc, catalog, to(onLabel));
    return reason ? { ok: false, reason } : { ok: true, connection: to(onLabel) };
  }

  if (inputs.length === 0) return { ok: false, reason: `${target.id} has no inputs` };
  const taken = new Set(doc.connections.filter((c) => c.to.module === target.id).map((c) => c.to.port));
  const free = inputs.filter((port) => !taken.has(port));
  const fits = free.find((port) => validateConnection(doc, catalog, to(port)) === undefined);
  if (fits !== undefined) return { ok: true, connection: to(fits) };
  if (free.length === 0)
    return {
      ok: false,
      reason: `every input of ${target.id} is connected; drop on an input to replace its wire`,
    };
  // Say why the first free input refuses (the type, or a cycle).
  return { ok: false, reason: validateConnection(doc, catalog, to(free[0] as string)) ?? "" };
}
