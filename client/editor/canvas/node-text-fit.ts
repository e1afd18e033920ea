/**
 * Which texts of a module node may be too long for their box. Only those get the CSS clip with an
 * ellipsis (`is-long` in styles/node.css): a clip per text costs the browser work on every frame
 * while the canvas pans (`npm run bench -- editor`, 1,000 modules, alternating runs on a loaded
 * machine: 37-56 fps panning with a clip on every text, 44-59 fps with clips only where needed).
 *
 * The estimates err towards "may overflow": a text judged long is clipped exactly as before, a
 * text judged short surely fits. Widths follow canvas/node-geometry.ts and styles/node.css.
 */
import { NODE_WIDTH } from "./node-geometry.js";

/** The node's inner width: minus the 4 px left and 1 px right border, minus 8 px padding a side. */
const INNER = NODE_WIDTH - 5 - 16;
/** The widest character advance to expect, in em: monospace fonts are 0.6, bold sans up to ~0.7. */
const MONO_EM = 0.62;
const SANS_BOLD_EM = 0.72;
/** The job mark and the run badge beside the title (the badge's longest text: "suspended 100%"). */
const JOB_MARK = 13;
const BADGE = 100;
/** A port column: half the node less the 10 px gap, minus 9 px padding a side and the 4 px gap. */
const PORT_COLUMN = (NODE_WIDTH - 5 - 10) / 2 - 18 - 4;

const wider = (chars: number, fontPx: number, em: number, width: number) => chars * fontPx * em > width;

export function titleMayOverflow(title: string, hasJobMark: boolean, hasBadge: boolean): boolean {
  const width = INNER - (hasJobMark ? JOB_MARK : 0) - (hasBadge ? BADGE : 0);
  return wider(title.length, 12, SANS_BOLD_EM, width);
}

/** The id and type line (monospace, 10.5 px). */
export function subLineMayOverflow(id: string, type: string): boolean {
  return wider(id.length + 1 + type.length, 10.5, MONO_EM, INNER);
}

/** A port's name (11 px) beside its type (9.5 px), both monospace. */
export function portNameMayOverflow(name: string, type: string): boolean {
  return wider(name.length, 11, MONO_EM, PORT_COLUMN - type.length * 9.5 * MONO_EM);
}
