/**
 * The overview map: every module as a small rectangle (coloured by its run state) and the part in
 * view as a frame; click or drag in it to move the view there. Drawn on a <canvas> once per change
 * of the nodes, and the frame is a moved <div>: panning a 1,000-module workflow redraws nothing
 * else (React Flow's SVG minimap re-rasterises every node on every frame).
 */
import { useStore as useFlowStore, useReactFlow } from "@xyflow/react";
import { type PointerEvent, useCallback, useEffect, useMemo, useRef } from "react";
import type { ModuleFlowNode } from "../canvas/flow-elements.js";
import { statusColour } from "../canvas/status-colours.js";

const WIDTH = 200;
const HEIGHT = 140;
const MARGIN = 6;

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

function nodesBounds(nodes: readonly ModuleFlowNode[]): Rect | undefined {
  if (nodes.length === 0) return undefined;
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const n of nodes) {
    minX = Math.min(minX, n.position.x);
    minY = Math.min(minY, n.position.y);
    maxX = Math.max(maxX, n.position.x + (n.initialWidth ?? 0));
    maxY = Math.max(maxY, n.position.y + (n.initialHeight ?? 0));
  }
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

function union(a: Rect | undefined, b: Rect): Rect {
  if (!a) return b;
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return {
    x,
    y,
    width: Math.max(a.x + a.width, b.x + b.width) - x,
    height: Math.max(a.y + a.height, b.y + b.height) - y,
  };
}

/** The modules within `content`, drawn at the map's full resolution on a canvas not in the page. */
function drawModules(nodes: readonly ModuleFlowNode[], content: Rect | undefined) {
  if (!content || typeof document === "undefined") return undefined;
  const ratio = window.devicePixelRatio || 1;
  const fit = Math.min((WIDTH * ratio) / content.width, (HEIGHT * ratio) / content.height);
  const scale = Number.isFinite(fit) && fit > 0 ? fit : 1;
  const picture = document.createElement("canvas");
  picture.width = Math.max(1, Math.ceil(content.width * scale));
  picture.height = Math.max(1, Math.ceil(content.height * scale));
  const context = picture.getContext("2d");
  if (!context) return undefined;
  for (const n of nodes) {
    context.fillStyle = statusColour(n.data.run?.status);
    context.fillRect(
      (n.position.x - content.x) * scale,
      (n.position.y - content.y) * scale,
      Math.max(1, (n.initialWidth ?? 0) * scale),
      Math.max(1, (n.initialHeight ?? 0) * scale),
    );
  }
  return picture;
}

export function Overview({ nodes }: { nodes: readonly ModuleFlowNode[] }) {
  const [tx, ty, zoom] = useFlowStore((s) => s.transform);
  const paneWidth = useFlowStore((s) => s.width);
  const paneHeight = useFlowStore((s) => s.height);
  const { setViewport } = useReactFlow();
  const canvas = useRef<HTMLCanvasElement>(null);

  const content = useMemo(() => nodesBounds(nodes), [nodes]);
  const view: Rect = { x: -tx / zoom, y: -ty / zoom, width: paneWidth / zoom, height: paneHeight / zoom };
  const world = union(content, view);
  const fit = Math.min((WIDTH - 2 * MARGIN) / world.width, (HEIGHT - 2 * MARGIN) / world.height);
  // Before the pane is measured (size 0) and with no modules there is nothing to scale.
  const scale = Number.isFinite(fit) && fit > 0 ? fit : 1;
  // Centre the world in the map.
  const ox = MARGIN + (WIDTH - 2 * MARGIN - world.width * scale) / 2 - world.x * scale;
  const oy = MARGIN + (HEIGHT - 2 * MARGIN - world.height * scale) / 2 - world.y * scale;

  // The modules are drawn once per change of the nodes, on a canvas of their own; the view's
  // moves only draw that picture again, placed and scaled (one drawImage, not one box per module).
  const picture = useMemo(() => drawModules(nodes, content), [nodes, content]);
  useEffect(() => {
    const context = canvas.current?.getContext("2d");
    if (!context) return;
    const ratio = window.devicePixelRatio || 1;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, WIDTH, HEIGHT);
    if (!picture || !content) return;
    context.drawImage(
      picture,
      ox + content.x * scale,
      oy + content.y * scale,
      Math.max(1, content.width * scale),
      Math.max(1, content.height * scale),
    );
  }, [picture, content, ox, oy, scale]);

  const moveTo = useCallback(
    (event: PointerEvent<HTMLDivElement>) => {
      const box = event.currentTarget.getBoundingClientRect();
      const fx = (event.clientX - box.left - ox) / scale;
      const fy = (event.clientY - box.top - oy) / scale;
      void setViewport({ x: paneWidth / 2 - fx * zoom, y: paneHeight / 2 - fy * zoom, zoom });
    },
    [ox, oy, scale, zoom, paneWidth, paneHeight, setViewport],
  );

  const ratio = typeof window === "undefined" ? 1 : window.devicePixelRatio || 1;
  return (
    <div
      className="lf-overview"
      style={{ width: WIDTH, height: HEIGHT }}
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture(e.pointerId);
        moveTo(e);
      }}
      onPointerMove={(e) => {
        if (e.buttons === 1) moveTo(e);
      }}
    >
      <canvas
        ref={canvas}
        width={WIDTH * ratio}
        height={HEIGHT * ratio}
        style={{ width: WIDTH, height: HEIGHT }}
        role="img"
        aria-label="Overview map"
      />
      <div
        className="lf-overview-view"
        style={{
          transform: `translate(${ox + view.x * scale}px, ${oy + view.y * scale}px)`,
          width: view.width * scale,
          height: view.height * scale,
        }}
      />
    </div>
  );
}
