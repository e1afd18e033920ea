/**
 * How the canvas frames a workflow. A big one opens at a readable zoom around its centre rather
 * than shrunk to dots: only the nodes in view are rendered then (the minimap shows the rest), which
 * keeps opening fast. The first frame is computed from the positions in the document, so nothing
 * has to be measured (or rendered twice) before the view is right. Fitting (F, the fit button)
 * shows the whole workflow at any size: below LOW_ZOOM modules are drawn as shapes
 * (canvas/shape-drawing.ts), which costs little however many are in view.
 */
import { type FitViewOptions, getViewportForBounds, type Viewport } from "@xyflow/react";
import type { WorkflowDocument } from "../../../server/schema/workflow-document.js";

/** Above this many modules, nodes outside the view are not rendered. */
export const VIRTUALISE_ABOVE = 300;
/**
 * Below this zoom a node's text (11-12 px) is under 4 px high, unreadable: modules and wires are
 * drawn as simple shapes on one canvas instead of as nodes.
 */
export const LOW_ZOOM = 0.35;
const READABLE_ZOOM = 0.5;
const MAX_ZOOM = 1;
/** The least zoom out allowed, unless the whole workflow needs less to be in view. */
const MIN_ZOOM = 0.05;
const PADDING = 0.1;
/** A typical node's size, for framing before any node is measured. */
const NODE_SIZE = { width: 190, height: 90 };

/**
 * Fit the whole workflow. Hidden nodes count: below LOW_ZOOM the module nodes are hidden (drawn
 * as shapes), and F must still frame them.
 */
export function fitViewOptions(): FitViewOptions {
  return { padding: PADDING, maxZoom: MAX_ZOOM, includeHiddenNodes: true };
}

function documentBounds(doc: WorkflowDocument) {
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
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

/** The viewport that first frames the document in a pane of this size. */
export function viewportFor(doc: WorkflowDocument, width: number, height: number): Viewport {
  if (doc.modules.length === 0 || width <= 0 || height <= 0) return { x: 40, y: 40, zoom: 1 };
  const minZoom = doc.modules.length > VIRTUALISE_ABOVE ? READABLE_ZOOM : MIN_ZOOM;
  return getViewportForBounds(documentBounds(doc), width, height, minZoom, MAX_ZOOM, PADDING);
}

/** The least zoom of the canvas: MIN_ZOOM, or less when the whole workflow needs it to fit. */
export function minZoomFor(doc: WorkflowDocument, width: number, height: number): number {
  if (doc.modules.length === 0 || width <= 0 || height <= 0) return MIN_ZOOM;
  const whole = getViewportForBounds(documentBounds(doc), width, height, 0, MAX_ZOOM, PADDING).zoom;
  return Math.min(MIN_ZOOM, whole * 0.8);
}
