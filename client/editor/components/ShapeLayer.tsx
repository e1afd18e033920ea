/**
 * The canvas layer of low zoom: every module as a box and every wire as a line
 * (canvas/shape-drawing.ts), drawn under React Flow's viewport (notes and groups stay nodes above
 * it). It follows the view outside React: a change of React Flow's transform moves the last
 * drawing with a CSS transform, or draws it again in the next animation frame when it has to
 * (canvas/shape-view.ts), so panning and zooming re-render no component.
 */
import { useStore as useFlowStore, useStoreApi } from "@xyflow/react";
import { useEffect, useMemo, useRef } from "react";
import type { ShapeScene } from "../canvas/shape-drawing.js";
import { drawShapes, shapePaths } from "../canvas/shape-paths.js";
import { type Drawn, MARGIN, placeDrawing } from "../canvas/shape-view.js";

/** Once the view has rested this long, the drawing is made sharp (at the current zoom) again. */
const REST_MS = 150;

export function ShapeLayer({ scene }: { scene: ShapeScene }) {
  const flow = useStoreApi();
  const width = useFlowStore((s) => s.width);
  const height = useFlowStore((s) => s.height);
  const canvas = useRef<HTMLCanvasElement>(null);
  const paths = useMemo(() => shapePaths(scene), [scene]);
  const ratio = window.devicePixelRatio || 1;
  const mx = Math.round(width * MARGIN);
  const my = Math.round(height * MARGIN);

  useEffect(() => {
    const element = canvas.current;
    const context = element?.getContext("2d");
    if (!element || !context) return;
    const pane = { width, height };
    const size = { width: width + 2 * mx, height: height + 2 * my, ratio };
    let drawn: Drawn | undefined;
    let frame = 0;
    let rest: ReturnType<typeof setTimeout> | undefined;
    const draw = () => {
      frame = 0;
      const [tx, ty, k] = flow.getState().transform;
      drawShapes(context, paths, [tx + mx, ty + my, k], size);
      drawn = { transform: [tx, ty, k], mx, my };
      element.style.transform = `translate(${-mx}px, ${-my}px)`;
    };
    const follow = () => {
      const place = drawn && placeDrawing(drawn, flow.getState().transform, pane);
      if (place) element.style.transform = `translate(${place.x}px, ${place.y}px) scale(${place.scale})`;
      else frame ||= requestAnimationFrame(draw);
      clearTimeout(rest);
      rest = setTimeout(() => {
        const [tx, ty, k] = flow.getState().transform;
        const [tx0, ty0, k0] = drawn?.transform ?? [];
        if (tx !== tx0 || ty !== ty0 || k !== k0) frame ||= requestAnimationFrame(draw);
      }, REST_MS);
    };
    draw();
    let last = flow.getState().transform;
    const unsubscribe = flow.subscribe((s) => {
      if (s.transform === last) return;
      last = s.transform;
      follow();
    });
    return () => {
      unsubscribe();
      cancelAnimationFrame(frame);
      clearTimeout(rest);
    };
  }, [flow, paths, width, height, mx, my, ratio]);

  return (
    <canvas
      ref={canvas}
      className="lf-shapes"
      width={Math.round((width + 2 * mx) * ratio)}
      height={Math.round((height + 2 * my) * ratio)}
      style={{ width: width + 2 * mx, height: height + 2 * my }}
      role="img"
      aria-label="Modules drawn as shapes"
      data-modules={scene.boxes.length}
      data-wires={scene.wires.length / 4}
    />
  );
}
