import { describe, expect, it } from "vitest";
import { PORT_ROW, PORTS_TOP } from "../../../client/editor/core/module-box.js";
import { wireDropOnModule } from "../../../client/editor/core/wire-drop.js";
import { catalog, conn, doc } from "./catalog-fixture.js";

/** Modules at known places: k (Constant) at 0,0; s (Add) at 400,0; u (Upper) at 400,200; t (Table) at 0,200. */
const placed = (build: Parameters<typeof doc>[0] = (w) => w) => {
  const d = doc((w) =>
    build(
      w
        .module("k", "basic.Constant")
        .module("s", "basic.Add")
        .module("u", "text.Upper")
        .module("t", "data.Table", { path: "p" }),
    ),
  );
  const at: Record<string, { x: number; y: number }> = {
    k: { x: 0, y: 0 },
    s: { x: 400, y: 0 },
    u: { x: 400, y: 200 },
    t: { x: 0, y: 200 },
  };
  return { ...d, modules: d.modules.map((m) => ({ ...m, position: at[m.id] })) };
};
const body = { x: 500, y: 10 };
const row = (i: number) => ({ x: 420, y: PORTS_TOP + i * PORT_ROW + PORT_ROW / 2 });
const out = (place: string) => conn(place, "x.y").from;

describe("a wire dropped on a module", () => {
  it("connects to the first free input that takes it when dropped on the body", () => {
    expect(wireDropOnModule(placed(), catalog, out("k.value"), body)).toEqual({
      ok: true,
      connection: conn("k.value", "s.a"),
    });
    const aTaken = placed((w) => w.connect("k.value", "s.a"));
    expect(wireDropOnModule(aTaken, catalog, out("k.value"), body)).toEqual({
      ok: true,
      connection: conn("k.value", "s.b"),
    });
  });

  it("connects to the input whose label it was dropped on", () => {
    expect(wireDropOnModule(placed(), catalog, out("k.value"), row(1))).toEqual({
      ok: true,
      connection: conn("k.value", "s.b"),
    });
  });

  it("refuses with the type rule's reason when no input takes the output", () => {
    const drop = wireDropOnModule(placed(), catalog, out("t.table"), body);
    expect(drop).toEqual({
      ok: false,
      reason: "t.table (table) -> s.a (number): a table output cannot feed a number input",
    });
  });

  it("says so when every input is connected", () => {
    const full = placed((w) => w.connect("k.value", "s.a").connect("k.value", "s.b"));
    expect(wireDropOnModule(full, catalog, out("t.table"), body)?.ok).toBe(false);
  });

  it("is nothing on the empty canvas or on the wire's own module", () => {
    expect(wireDropOnModule(placed(), catalog, out("k.value"), { x: 300, y: 500 })).toBeUndefined();
    expect(wireDropOnModule(placed(), catalog, out("k.value"), { x: 10, y: 10 })).toBeUndefined();
  });

  it("ignores modules hidden in a collapsed group", () => {
    expect(wireDropOnModule(placed(), catalog, out("k.value"), body, new Set(["s"]))).toBeUndefined();
  });
});
