/**
 * The fixed geometry of a module node, shared with canvas.css: a node is NODE_WIDTH wide and its
 * port rows sit at known offsets. React Flow then knows every node's size and handle positions
 * before it renders it, so a big workflow renders only the nodes in view (none has to be mounted
 * just to be measured) and edges to nodes out of view are drawn all the same.
 * The box itself is core/module-box.ts; keep the handle's size in sync with `.lf-handle` in
 * styles/canvas.css.
 */
import { type NodeHandle, Position } from "@xyflow/react";
import type { PortSpecView as PortSpec } from "../../../server/schema/catalog.js";
import {
  NODE_BORDER as BORDER,
  NODE_BORDER_LEFT as BORDER_LEFT,
  NODE_WIDTH,
  nodeSize,
  PORTS_TOP,
  PORT_ROW as ROW,
} from "../core/module-box.js";

export { NODE_WIDTH } from "../core/module-box.js";

const HANDLE = 9;
/** How far a handle sticks out of its row. */
const HANDLE_OUT = 5;

export interface NodeGeometry {
  width: number;
  height: number;
  handles: NodeHandle[];
}

export function nodeGeometry(
  inputs: Readonly<Record<string, PortSpec>>,
  outputs: Readonly<Record<string, PortSpec>>,
  handleId: { input: (port: string) => string; output: (port: string) => string },
): NodeGeometry {
  const ins = Object.keys(inputs);
  const outs = Object.keys(outputs);
  const rowY = (i: number) => PORTS_TOP + i * ROW + (ROW - HANDLE) / 2;
  const handles: NodeHandle[] = [
    ...ins.map((port, i) => ({
      id: handleId.input(port),
      type: "target" as const,
      position: Position.Left,
      x: BORDER_LEFT - HANDLE_OUT,
      y: rowY(i),
      width: HANDLE,
      height: HANDLE,
    })),
    ...outs.map((port, i) => ({
      id: handleId.output(port),
      type: "source" as const,
      position: Position.Right,
      x: NODE_WIDTH - BORDER + HANDLE_OUT - HANDLE,
      y: rowY(i),
      width: HANDLE,
      height: HANDLE,
    })),
  ];
  return { ...nodeSize(ins.length, outs.length), handles };
}
