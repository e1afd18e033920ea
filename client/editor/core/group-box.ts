/** Where a group is drawn on the canvas: a frame around its modules, or its title bar when collapsed. */
import type { Group, WorkflowDocument } from "../../../server/schema/workflow-document.js";
import type { Catalog } from "../../platform/api/catalog.js";
import { moduleRects, type Rect } from "./module-box.js";
import { boundsOf } from "./placement.js";

/** Room around a group's modules, and its title bar above them. */
export const GROUP_PAD = 16;
export const GROUP_HEAD = 30;
/** A collapsed group's box: its title bar alone. */
export const COLLAPSED_GROUP = { width: 220, height: GROUP_HEAD + 8 };

/** The box a group takes on the canvas: around its modules, or its title bar when collapsed. */
export function groupBox(doc: WorkflowDocument, catalog: Catalog, group: Group): Rect | undefined {
  const members = new Set(group.modules);
  const box = boundsOf(moduleRects(doc, catalog).filter((_, i) => members.has(doc.modules[i]?.id ?? "")));
  if (!box) return undefined;
  const x = box.x - GROUP_PAD;
  const y = box.y - GROUP_PAD - GROUP_HEAD;
  if (group.collapsed) return { x, y, ...COLLAPSED_GROUP };
  return { x, y, width: box.width + 2 * GROUP_PAD, height: box.height + 2 * GROUP_PAD + GROUP_HEAD };
}
