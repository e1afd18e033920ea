/**
 * The box a module takes on the canvas, known from its ports alone (no rendering): the canvas
 * builds its nodes at this size (canvas/node-geometry.ts) and placement keeps new modules out of
 * these boxes. Keep in sync with `.lf-node`, `.lf-node-head`, `.lf-node-sub`, `.lf-ports` and
 * `.lf-port` in styles/canvas.css.
 */
import type { ModuleInstance, WorkflowDocument } from "../../../server/schema/workflow-document.js";
import type { Catalog } from "../../platform/api/catalog.js";
import type { Position } from "./modules.js";
import { portsFromConnections } from "./ports.js";

export const NODE_WIDTH = 200;
export const NODE_BORDER = 1;
export const NODE_BORDER_LEFT = 4;
const HEAD = 22;
const SUB = 16;
export const PORTS_PAD = 3;
export const PORT_ROW = 18;
/** Where the first port row starts, from the node's top. */
export const PORTS_TOP = NODE_BORDER + HEAD + SUB + NODE_BORDER + PORTS_PAD;

export interface Size {
  width: number;
  height: number;
}

export interface Rect extends Position, Size {}

/** The size of a node with this many input and output ports. */
export function nodeSize(inputs: number, outputs: number): Size {
  const rows = Math.max(inputs, outputs);
  return { width: NODE_WIDTH, height: PORTS_TOP + rows * PORT_ROW + PORTS_PAD + NODE_BORDER };
}

/** The size of a module of the document: by its catalog ports, or those its connections use. */
export function moduleSize(doc: WorkflowDocument, catalog: Catalog, module: ModuleInstance): Size {
  const entry = catalog.get(module.type);
  const ports = entry ?? portsFromConnections(doc, module.id);
  return nodeSize(Object.keys(ports.inputs).length, Object.keys(ports.outputs).length);
}

/** Every module's box on the canvas. */
export function moduleRects(doc: WorkflowDocument, catalog: Catalog): Rect[] {
  return doc.modules.map((m) => ({ ...(m.position ?? { x: 0, y: 0 }), ...moduleSize(doc, catalog, m) }));
}

/** Where a port's wire starts (an output, on the right edge) or ends (an input, on the left). */
export function portPoint(
  doc: WorkflowDocument,
  catalog: Catalog,
  module: ModuleInstance,
  side: "input" | "output",
  port: string,
): Position | undefined {
  const ports = catalog.get(module.type) ?? portsFromConnections(doc, module.id);
  const index = Object.keys(side === "input" ? ports.inputs : ports.outputs).indexOf(port);
  if (index < 0) return undefined;
  const { x, y } = module.position ?? { x: 0, y: 0 };
  return { x: side === "input" ? x : x + NODE_WIDTH, y: y + PORTS_TOP + index * PORT_ROW + PORT_ROW / 2 };
}
