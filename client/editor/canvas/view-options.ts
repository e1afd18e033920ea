/**
 * How the canvas frames a workflow. A big one opens at a readable zoom around its centre rather
 * than shrunk to dots: only the nodes in view are rendered then (the minimap shows the rest), which
 * keeps opening and panning fast. The first frame is computed from the positions in the document,
 * so nothing has to be measured (or rendered twice) before the view is right.
 */
import { type FitViewOptions, getViewportForBounds, type Viewport } from "@xyflow/react";
import type { WorkflowDocument } from "../../../server/schema/workflow-document.js";

/** Above this many modules, nodes outside the view are not rendered. */
export const VIRTUALISE_ABOVE = 300;
const READABLE_ZOOM = 0.5;
const MAX_ZOOM = 1;
const PADDING = 0.1;
/** A typical node's size, for framing before any node is measured. */
const NODE_SIZE = { width: 190, height: 90 };

export function fitViewOptions(moduleCount: number): FitViewOptions {
  return moduleCount > VIRTUALISE_ABOVE
    ? { padding: PADDING, maxZoom: MAX_ZOOM, minZoom: READABLE_ZOOM }
    : { padding: PADDING, maxZoom: MAX_ZOOM };
}

/** The viewport that frames the document in a pane of this size. */
export function viewportFor(doc: WorkflowDocument, width: number, height: number): Viewport {
  if (doc.modules.length === 0 || width <= 0 || height <= 0) return { x: 40, y: 40, zoom: 1 };
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const m of doc.modules) {
    const { x, y } = m.position ?? { x: 0, y: 0 };
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x + NODE_SIZE.width);
    maxY = Math.max(maxY, y + NODE_SIZE.height);
  }
  const minZoom = doc.modules.length > VIRTUALISE_ABOVE ? READABLE_ZOOM : 0.05;
  const bounds = { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
  return getViewportForBounds(bounds, width, height, minZoom, MAX_ZOOM, PADDING);
}
