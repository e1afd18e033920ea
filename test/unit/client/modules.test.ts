import { describe, expect, it } from "vitest";
import { addModule, removeModules, renameModule, setParam } from "../../../client/editor/core/modules.js";
import { catalog, conn, doc } from "./catalog-fixture.js";

const tableEntry = catalog.get("data.Table")!;

describe("module operations", () => {
  it("adds a module with a fresh id, its version and its param defaults", () => {
    const d = doc((w) => w.module("table1", "data.Table"));
    const e = addModule(d, tableEntry, { x: 10.4, y: 20.6 });
    expect(e.id).toBe("table2");
    expect(e.doc.modules.at(-1)).toEqual({
      id: "table2",
      type: "data.Table",
      version: 1,
      params: { rows: 10, format: "csv" },
      position: { x: 10, y: 21 },
    });
  });

  it("removes a module and every connection attached to it", () => {
    const d = doc((w) =>
      w
        .module("k", "basic.Constant")
        .module("s", "basic.Add")
        .module("l", "basic.Add")
        .connect("k.value", "s.a")
        .connect("s.sum", "l.a")
        .connect("k.value", "l.b"),
    );
    const e = removeModules(d, ["s"]);
    expect(e.doc.modules.map((m) => m.id)).toEqual(["k", "l"]);
    expect(e.doc.connections).toEqual([conn("k.value", "l.b")]);
  });

  it("renames a module and the connections that name it", () => {
    const d = doc((w) => w.module("k", "basic.Constant").module("s", "basic.Add").connect("k.value", "s.a"));
    const result = renameModule(d, "k", "two");
    if (!result.ok) throw new Error(result.reason);
    expect(result.edit.doc.connections).toEqual([conn("two.value", "s.a")]);
  });

  it("refuses an id that is taken or not plain", () => {
    const d = doc((w) => w.module("k", "basic.Constant").module("s", "basic.Add"));
    expect(renameModule(d, "k", "s")).toEqual({ ok: false, reason: 'the id "s" is taken' });
    expect(renameModule(d, "k", "1 bad").ok).toBe(false);
  });

  it("removes a param set to undefined, so its default applies", () => {
    const d = doc((w) => w.module("t", "data.Table", { rows: 5, path: "p" }));
    expect(setParam(d, "t", "rows", undefined).doc.modules[0]?.params).toEqual({ path: "p" });
    expect(setParam(d, "t", "rows", 5).patches).toEqual([]);
  });
});
