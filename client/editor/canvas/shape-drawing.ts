/**
 * Below LOW_ZOOM (canvas/view-options.ts) modules and wires are drawn as simple shapes on one
 * <canvas> instead of as React Flow nodes: a box per module, filled with its run state's colour
 * (outlined when selected, and in red when it has a problem, so that problems stay findable in
 * the whole workflow), and a straight line per wire. The scene is built from the nodes and
 * edges the canvas already has (positions, sizes, handle offsets), in flow coordinates, once per
 * change; a frame only sets the view's transform and fills a few paths. No DOM, no React here.
 */
import type { Edge } from "@xyflow/react";
import type { ModuleFlowNode } from "./flow-elements.js";
import { STATUS_COLOURS, statusColour } from "./status-colours.js";

export interface ShapeBox {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
  colour: string;
  selected: boolean;
  /** The module has problems (the node shows them; a shape can only be outlined). */
  problem: boolean;
}

export interface ShapeScene {
  boxes: ShapeBox[];
  /** Wires as x1, y1, x2, y2 (output port to input port), four numbers per wire. */
  wires: Float64Array;
}

/** Colours of the drawing: a wire, a selected module's outline (the CSS --lf-accent). */
export const WIRE_COLOUR = "#9aa5b1";
export const SELECTED_COLOUR = "#1f6fb2";
/** A module with problems (the CSS --st-failed). */
export const PROBLEM_COLOUR = STATUS_COLOURS.failed as string;

function handlePoint(node: ModuleFlowNode, handleId: string | null | undefined) {
  const h = node.handles?.find((candidate) => candidate.id === handleId);
  const { x, y } = node.position;
  if (!h) return { x: x + (node.initialWidth ?? 0) / 2, y: y + (node.initialHeight ?? 0) / 2 };
  return { x: x + h.x + (h.width ?? 0) / 2, y: y + h.y + (h.height ?? 0) / 2 };
}

/** The scene of the visible (not collapsed away) modules and the wires between them. */
export function buildShapeScene(nodes: readonly ModuleFlowNode[], edges: readonly Edge[]): ShapeScene {
  const byId = new Map<string, ModuleFlowNode>();
  const boxes: ShapeBox[] = [];
  for (const n of nodes) {
    if (n.hidden) continue;
    byId.set(n.id, n);
    boxes.push({
      id: n.id,
      x: n.position.x,
      y: n.position.y,
      width: n.initialWidth ?? 0,
      height: n.initialHeight ?? 0,
      colour: statusColour(n.data.run?.status),
      selected: n.selected === true,
      problem: (n.data.problems?.length ?? 0) > 0,
    });
  }
  const wires: number[] = [];
  for (const e of edges) {
    const from = byId.get(e.source);
    const to = byId.get(e.target);
    if (e.hidden || !from || !to) continue;
    const a = handlePoint(from, e.sourceHandle);
    const b = handlePoint(to, e.targetHandle);
    wires.push(a.x, a.y, b.x, b.y);
  }
  return { boxes, wires: Float64Array.from(wires) };
}

/**
 * The module drawn at a flow point, or undefined. `slop` (flow units) widens every box a little:
 * at a tenth of the size a module is a few pixels, and a click beside it should still take it.
 */
export function moduleAt(scene: ShapeScene, point: { x: number; y: number }, slop = 0): string | undefined {
  // Last drawn is on top.
  for (let i = scene.boxes.length - 1; i >= 0; i--) {
    const b = scene.boxes[i] as ShapeBox;
    if (
      point.x >= b.x - slop &&
      point.x <= b.x + b.width + slop &&
      point.y >= b.y - slop &&
      point.y <= b.y + b.height + slop
    )
      return b.id;
  }
  return undefined;
}
