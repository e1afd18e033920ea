/**
 * Wires that would cross a module go around it: a wire drawn straight (or as a curve) over another
 * module reads as passing through it, e.g. Timer -> Command -> Log for a wire Timer -> Log.
 */

import type { Rect } from "./module-box.js";
import type { Position } from "./modules.js";

/** The clearance kept between a detour and the modules it goes around. */
export const DETOUR_MARGIN = 20;
/** How far above and below the straight line a module counts as in the way (a curve bends). */
const BAND = 8;

/**
 * The height of the horizontal lane a wire from `from` to `to` takes to go around the modules in
 * its way (above them or below, whichever is nearer), or undefined when nothing is in the way.
 * `obstacles` are the modules other than the wire's own two.
 */
export function detourLane(
  from: Position,
  to: Position,
  obstacles: readonly Rect[],
  margin = DETOUR_MARGIN,
): number | undefined {
  const left = Math.min(from.x, to.x);
  const right = Math.max(from.x, to.x);
  const top = Math.min(from.y, to.y) - BAND;
  const bottom = Math.max(from.y, to.y) + BAND;
  const inTheWay = obstacles.filter(
    (r) => r.x < right && r.x + r.width > left && r.y < bottom && r.y + r.height > top,
  );
  if (inTheWay.length === 0) return undefined;
  const above = Math.min(...inTheWay.map((r) => r.y)) - margin;
  const below = Math.max(...inTheWay.map((r) => r.y + r.height)) + margin;
  const middle = (from.y + to.y) / 2;
  return middle - above <= below - middle ? above : below;
}
