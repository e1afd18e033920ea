/**
 * A wire that goes around the modules in its way (core/wire-route.ts): out of its port, along its
 * lane above or below them, and into the input, with rounded corners.
 */
import { BaseEdge, type Edge, type EdgeProps } from "@xyflow/react";
import { memo } from "react";

export type RoutedFlowEdge = Edge<{ lane: number }, "routed">;

const OUT = 16;
const R = 6;

/** An orthogonal path through `points`, each corner rounded by up to R. */
function roundedPath(points: readonly { x: number; y: number }[]): string {
  let d = `M ${points[0]?.x} ${points[0]?.y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const [a, b, c] = [points[i - 1], points[i], points[i + 1]] as [
      { x: number; y: number },
      { x: number; y: number },
      { x: number; y: number },
    ];
    const r = Math.min(R, Math.hypot(b.x - a.x, b.y - a.y) / 2, Math.hypot(c.x - b.x, c.y - b.y) / 2);
    const inX = b.x - Math.sign(b.x - a.x) * r;
    const inY = b.y - Math.sign(b.y - a.y) * r;
    const outX = b.x + Math.sign(c.x - b.x) * r;
    const outY = b.y + Math.sign(c.y - b.y) * r;
    d += ` L ${inX} ${inY} Q ${b.x} ${b.y} ${outX} ${outY}`;
  }
  const last = points[points.length - 1];
  return `${d} L ${last?.x} ${last?.y}`;
}

function RoutedEdgeView({
  id,
  sourceX,
  sourceY,
  targetX,
  targetY,
  data,
  markerEnd,
  style,
}: EdgeProps<RoutedFlowEdge>) {
  const lane = data?.lane ?? (sourceY + targetY) / 2;
  const path = roundedPath([
    { x: sourceX, y: sourceY },
    { x: sourceX + OUT, y: sourceY },
    { x: sourceX + OUT, y: lane },
    { x: targetX - OUT, y: lane },
    { x: targetX - OUT, y: targetY },
    { x: targetX, y: targetY },
  ]);
  return <BaseEdge id={id} path={path} markerEnd={markerEnd} style={style} />;
}

export const RoutedEdge = memo(RoutedEdgeView);
