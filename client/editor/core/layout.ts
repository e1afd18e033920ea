/**
 * Auto-layout: new positions for some modules (or all), in layers from left to right along their
 * connections, computed by dagre (@dagrejs/dagre: synchronous, so the layout is a pure function
 * and one undoable move). The laid-out modules keep the top-left corner of their old box, so a
 * tidied selection stays where it was, unless the tidied block would then cover modules left
 * out of it: the block then goes, whole, to the nearest free spot.
 */
import dagre from "@dagrejs/dagre";
import type { WorkflowDocument } from "../../../server/schema/workflow-document.js";
import type { Catalog } from "../../platform/api/catalog.js";
import { moduleRects, moduleSize, type Rect } from "./module-box.js";
import type { Position } from "./modules.js";
import { boundsOf, freeSpotNear } from "./placement.js";

/** Space between layers (left to right) and between modules of one layer. */
export const LAYOUT_RANK_GAP = 80;
export const LAYOUT_NODE_GAP = 40;

/**
 * Where the modules `ids` go (every module when `ids` is empty or absent): a map from module id
 * to its new top-left corner, rounded to the canvas' 10 px grid. Only connections between the
 * laid-out modules shape the layout; other modules are not moved.
 */
export function layoutModules(
  doc: WorkflowDocument,
  catalog: Catalog,
  ids?: ReadonlySet<string>,
): Map<string, Position> {
  const chosen = ids && ids.size > 0 ? doc.modules.filter((m) => ids.has(m.id)) : doc.modules;
  const positions = new Map<string, Position>();
  if (chosen.length === 0) return positions;
  const inside = new Set(chosen.map((m) => m.id));

  const g = new dagre.graphlib.Graph({ multigraph: false });
  g.setGraph({ rankdir: "LR", ranksep: LAYOUT_RANK_GAP, nodesep: LAYOUT_NODE_GAP, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  // Insert in the document's order, top to bottom as now, so that dagre's ordering starts from it.
  const byPlace = [...chosen].sort(
    (a, b) => (a.position?.y ?? 0) - (b.position?.y ?? 0) || (a.position?.x ?? 0) - (b.position?.x ?? 0),
  );
  for (const m of byPlace) g.setNode(m.id, { ...moduleSize(doc, catalog, m) });
  for (const c of doc.connections)
    if (inside.has(c.from.module) && inside.has(c.to.module) && c.from.module !== c.to.module)
      g.setEdge(c.from.module, c.to.module);
  dagre.layout(g);

  const left = Math.min(...chosen.map((m) => m.position?.x ?? 0));
  const top = Math.min(...chosen.map((m) => m.position?.y ?? 0));
  const corners = chosen.map((m) => {
    const n = g.node(m.id);
    return { id: m.id, x: n.x - n.width / 2, y: n.y - n.height / 2 };
  });
  const minX = Math.min(...corners.map((c) => c.x));
  const minY = Math.min(...corners.map((c) => c.y));
  // Rounded up to the grid: dagre's gaps are multiples of 10 wider than any rounding loses.
  const grid = (v: number) => Math.round(v / 10) * 10;
  for (const c of corners) positions.set(c.id, { x: grid(left + c.x - minX), y: grid(top + c.y - minY) });
  return clearOfOthers(doc, catalog, positions);
}

/** Moves the laid-out block, whole, off the modules it would cover (those not laid out). */
function clearOfOthers(
  doc: WorkflowDocument,
  catalog: Catalog,
  positions: Map<string, Position>,
): Map<string, Position> {
  const others = moduleRects(doc, catalog).filter((_, i) => !positions.has(doc.modules[i]?.id ?? ""));
  if (others.length === 0) return positions;
  const laidOut: Rect[] = doc.modules.flatMap((m) => {
    const p = positions.get(m.id);
    return p ? [{ ...p, ...moduleSize(doc, catalog, m) }] : [];
  });
  const block = boundsOf(laidOut);
  if (!block) return positions;
  const spot = freeSpotNear(others, block, block);
  if (spot.x === block.x && spot.y === block.y) return positions;
  const moved = new Map<string, Position>();
  for (const [id, p] of positions) moved.set(id, { x: p.x + spot.x - block.x, y: p.y + spot.y - block.y });
  return moved;
}
