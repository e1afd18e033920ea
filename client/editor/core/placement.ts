/**
 * Where new modules go: the free spot nearest to where a person asked (the cursor, the view's
 * centre, the copied modules), so that a module never lands on another one and hides its ports.
 */

import type { Rect, Size } from "./module-box.js";
import type { Position } from "./modules.js";

/** The free margin kept around every module. */
export const PLACEMENT_GAP = 20;
/** Spots are tried on this grid (a multiple of the canvas' snap grid). */
const STEP = 10;
/** How far (in steps) the search goes before giving up and placing below everything. */
const MAX_RINGS = 100;

const overlaps = (a: Rect, b: Rect, gap: number): boolean =>
  a.x < b.x + b.width + gap &&
  b.x < a.x + a.width + gap &&
  a.y < b.y + b.height + gap &&
  b.y < a.y + a.height + gap;

/**
 * The top-left corner, nearest to `point`, at which a box of `size` overlaps none of `occupied`
 * (with `gap` between them). `point` itself when it is free. Spots are whole multiples of 10 away.
 */
export function freeSpotNear(
  occupied: readonly Rect[],
  point: Position,
  size: Size,
  gap = PLACEMENT_GAP,
): Position {
  const start = { x: Math.round(point.x), y: Math.round(point.y) };
  const free = (p: Position) => !occupied.some((r) => overlaps({ ...p, ...size }, r, gap));
  if (free(start)) return start;
  for (let ring = 1; ring <= MAX_RINGS; ring++) {
    // The spots on the square ring `ring` steps away, nearest first (right and below win ties).
    const spots: Position[] = [];
    for (let i = -ring; i <= ring; i++) {
      spots.push({ x: i, y: -ring }, { x: i, y: ring });
      if (i !== -ring && i !== ring) spots.push({ x: -ring, y: i }, { x: ring, y: i });
    }
    spots.sort((a, b) => a.x * a.x + a.y * a.y - (b.x * b.x + b.y * b.y) || b.x - a.x || b.y - a.y);
    for (const s of spots) {
      const p = { x: start.x + s.x * STEP, y: start.y + s.y * STEP };
      if (free(p)) return p;
    }
  }
  const bottom = Math.max(...occupied.map((r) => r.y + r.height));
  return { x: start.x, y: bottom + gap };
}

/** The smallest box around `rects`, or undefined for none. */
export function boundsOf(rects: readonly Rect[]): Rect | undefined {
  if (rects.length === 0) return undefined;
  const x = Math.min(...rects.map((r) => r.x));
  const y = Math.min(...rects.map((r) => r.y));
  const right = Math.max(...rects.map((r) => r.x + r.width));
  const bottom = Math.max(...rects.map((r) => r.y + r.height));
  return { x, y, width: right - x, height: bottom - y };
}
