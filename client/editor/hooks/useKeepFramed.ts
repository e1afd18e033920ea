/**
 * When the canvas changes size (the Jobs panel opens or closes beside it, the sidebar or the
 * window is resized), what a person was looking at stays framed: the view keeps its centre, and a
 * workflow that was wholly in view and would no longer be is fitted again. Without this the view
 * stays pinned to its top-left corner, and opening the Jobs panel cut off half the workflow.
 */
import { type Rect, useReactFlow, type Viewport } from "@xyflow/react";
import { type RefObject, useEffect } from "react";
import { fitViewOptions } from "../canvas/view-options.js";

type Size = { width: number; height: number };

/** Whether `bounds` (flow coordinates) lies wholly inside a pane of `size` under `view`. */
function inView(bounds: Rect, view: Viewport, size: Size): boolean {
  const left = bounds.x * view.zoom + view.x;
  const top = bounds.y * view.zoom + view.y;
  return (
    left >= 0 &&
    top >= 0 &&
    left + bounds.width * view.zoom <= size.width &&
    top + bounds.height * view.zoom <= size.height
  );
}

export function useKeepFramed(pane: RefObject<HTMLElement | null>): void {
  const flow = useReactFlow();
  useEffect(() => {
    const element = pane.current;
    if (!element) return;
    let last: Size = { width: element.clientWidth, height: element.clientHeight };
    const observer = new ResizeObserver(() => {
      const before = last;
      const now = { width: element.clientWidth, height: element.clientHeight };
      last = now;
      if (before.width === 0 || before.height === 0) return;
      if (now.width === before.width && now.height === before.height) return;
      const view = flow.getViewport();
      const centred = {
        x: view.x + (now.width - before.width) / 2,
        y: view.y + (now.height - before.height) / 2,
        zoom: view.zoom,
      };
      const nodes = flow.getNodes();
      if (nodes.length > 0) {
        const bounds = flow.getNodesBounds(nodes);
        if (inView(bounds, view, before) && !inView(bounds, centred, now)) {
          void flow.fitView(fitViewOptions());
          return;
        }
      }
      void flow.setViewport(centred);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [flow, pane]);
}
