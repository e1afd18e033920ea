import { describe, expect, it } from "vitest";
import { layoutModules } from "../../../client/editor/core/layout.js";
import { moduleSize, type Rect } from "../../../client/editor/core/module-box.js";
import type { Position } from "../../../client/editor/core/modules.js";
import { catalog, doc } from "./catalog-fixture.js";

/** A diamond (k1, k2 -> s1 -> s2, k1 -> s2) with every module piled on the origin. */
const piled = () =>
  doc((w) =>
    w
      .module("k1", "basic.Constant")
      .module("k2", "basic.Constant")
      .module("s1", "basic.Add")
      .module("s2", "basic.Add")
      .module("lone", "basic.Constant")
      .connect("k1.value", "s1.a")
      .connect("k2.value", "s1.b")
      .connect("s1.sum", "s2.a")
      .connect("k1.value", "s2.b"),
  );

function rectsAfter(d: ReturnType<typeof piled>, positions: Map<string, { x: number; y: number }>) {
  const rects = new Map<string, Rect>();
  for (const m of d.modules) {
    const p = positions.get(m.id) ?? m.position ?? { x: 0, y: 0 };
    rects.set(m.id, { ...p, ...moduleSize(d, catalog, m) });
  }
  return rects;
}

const overlap = (a: Rect, b: Rect) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** k -> s, and "other" connected to neither, each at the given place. */
const linkedPairAndOther = (k: Position, s: Position, other: Position) =>
  doc((w) =>
    w
      .module("k", "basic.Constant")
      .at("k", k.x, k.y)
      .module("s", "basic.Add")
      .at("s", s.x, s.y)
      .module("other", "basic.Constant")
      .at("other", other.x, other.y)
      .connect("k.value", "s.a"),
  );

describe("auto-layout", () => {
  it("lays out the whole workflow without overlaps, upstream left of downstream", () => {
    const d = piled();
    const positions = layoutModules(d, catalog);
    expect([...positions.keys()].sort()).toEqual(["k1", "k2", "lone", "s1", "s2"]);
    const rects = rectsAfter(d, positions);
    const all = [...rects.values()];
    for (let i = 0; i < all.length; i++)
      for (let j = i + 1; j < all.length; j++) expect(overlap(all[i]!, all[j]!)).toBe(false);
    for (const c of d.connections) {
      const from = rects.get(c.from.module)!;
      const to = rects.get(c.to.module)!;
      expect(from.x + from.width).toBeLessThan(to.x);
    }
  });

  it("moves only the selection, keeping the top-left corner of its box", () => {
    const placed = linkedPairAndOther({ x: 500, y: 300 }, { x: 400, y: 320 }, { x: 2000, y: 2000 });
    const positions = layoutModules(placed, catalog, new Set(["k", "s"]));
    expect([...positions.keys()].sort()).toEqual(["k", "s"]);
    const k = positions.get("k")!;
    const s = positions.get("s")!;
    expect(Math.min(k.x, s.x)).toBe(400);
    expect(Math.min(k.y, s.y)).toBe(300);
    expect(k.x + 200).toBeLessThan(s.x);
  });

  it("moves a tidied selection, whole, off a module it would cover, to the nearest free spot", () => {
    // k and s piled at (0, 0); once laid out left to right, s would land on "other" at (280, 0).
    const placed = linkedPairAndOther({ x: 0, y: 0 }, { x: 0, y: 0 }, { x: 280, y: 0 });
    const positions = layoutModules(placed, catalog, new Set(["k", "s"]));
    const rects = rectsAfter(placed, positions);
    const other = rects.get("other")!;
    for (const id of ["k", "s"]) expect(overlap(rects.get(id)!, other)).toBe(false);
    const k = positions.get("k")!;
    const s = positions.get("s")!;
    expect(k.x + 200).toBeLessThan(s.x);
    // Still one block with the layout's shape, moved as little as it takes.
    expect(s.x - k.x).toBe(280);
    expect(Math.abs(k.x) + Math.abs(k.y)).toBeLessThan(500);
  });

  it("places on the 10 px grid", () => {
    for (const p of layoutModules(piled(), catalog).values()) {
      expect(p.x % 10).toBe(0);
      expect(p.y % 10).toBe(0);
    }
  });
});
