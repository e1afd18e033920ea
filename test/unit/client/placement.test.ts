import { describe, expect, it } from "vitest";
import { EditorStore } from "../../../client/editor/core/editor-store.js";
import { moduleRects, type Rect } from "../../../client/editor/core/module-box.js";
import { freeSpotNear, PLACEMENT_GAP } from "../../../client/editor/core/placement.js";
import { selectModules } from "../../../client/editor/core/selection.js";
import { catalog, catalogEntries, doc } from "./catalog-fixture.js";

const size = { width: 200, height: 80 };
const overlap = (a: Rect, b: Rect) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const noneOverlap = (rects: readonly Rect[]) =>
  rects.every((a, i) => rects.every((b, j) => i === j || !overlap(a, b)));

describe("free spot near a point", () => {
  it("is the point itself when nothing is there", () => {
    expect(freeSpotNear([{ x: 500, y: 500, ...size }], { x: 10, y: 20 }, size)).toEqual({ x: 10, y: 20 });
  });

  it("moves off a module that is in the way, keeping the gap, and stays near", () => {
    const taken = { x: 0, y: 0, ...size };
    const spot = freeSpotNear([taken], { x: 0, y: 0 }, size);
    expect(overlap({ ...spot, ...size }, { ...taken, width: size.width + PLACEMENT_GAP })).toBe(false);
    expect(Math.hypot(spot.x, spot.y)).toBeLessThanOrEqual(size.width + PLACEMENT_GAP + 10);
  });

  it("finds a spot among many modules that overlaps none of them", () => {
    const taken: Rect[] = [];
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) taken.push({ x: i * 230, y: j * 110, ...size });
    const spot = freeSpotNear(taken, { x: 300, y: 200 }, size);
    expect(taken.some((r) => overlap({ ...spot, ...size }, r))).toBe(false);
  });
});

/** A store holding n1 -> s side by side, both selected. */
function pairSelected(): EditorStore {
  const s = new EditorStore(
    doc((w) =>
      w
        .module("n1", "basic.Constant")
        .at("n1", 0, 0)
        .module("s", "basic.Add")
        .at("s", 260, 0)
        .connect("n1.value", "s.a"),
    ),
  );
  s.setCatalog(catalogEntries);
  s.select(selectModules(["n1", "s"]));
  return s;
}

describe("placing new and pasted modules", () => {
  const store = () => {
    const s = new EditorStore();
    s.setCatalog(catalogEntries);
    return s;
  };

  it("a module added twice at the same point does not overlap the first", () => {
    const s = store();
    s.addModule("basic.Constant", { x: 100, y: 100 });
    s.addModule("basic.Constant", { x: 100, y: 100 });
    const rects = moduleRects(s.getState().doc, catalog);
    expect(rects).toHaveLength(2);
    expect(noneOverlap(rects)).toBe(true);
  });

  it("pastes beside the copied modules, over none of them", () => {
    const s = pairSelected();
    s.copy();
    s.paste();
    s.paste();
    const rects = moduleRects(s.getState().doc, catalog);
    expect(rects).toHaveLength(6);
    expect(noneOverlap(rects)).toBe(true);
  });

  it("duplicates the selection beside it, inner connections kept, clipboard untouched", () => {
    const s = pairSelected();
    s.duplicateSelection();
    const { doc: d, selection } = s.getState();
    expect([...selection.modules]).toEqual(["n2", "s1"]);
    expect(d.connections.map((c) => `${c.from.module}->${c.to.module}`)).toEqual(["n1->s", "n2->s1"]);
    expect(noneOverlap(moduleRects(d, catalog))).toBe(true);
    s.paste();
    expect(s.getState().doc.modules).toHaveLength(4);
  });
});
