import { describe, expect, it } from "vitest";
import { copyModules, paste } from "../../../client/editor/core/clipboard.js";
import { conn, doc } from "./catalog-fixture.js";

const graph = () =>
  doc((w) =>
    w
      .module("n1", "basic.Constant")
      .module("s", "basic.Add")
      .module("outside", "basic.Constant")
      .connect("n1.value", "s.a")
      .connect("outside.value", "s.b"),
  );

describe("copy and paste", () => {
  it("gives pasted modules ids unused in the document", () => {
    const d = graph();
    const e = paste(d, copyModules(d, ["n1", "s"]), { x: 40, y: 40 });
    expect(e.ids).toEqual(["n2", "s1"]);
    const ids = e.doc.modules.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("pastes twice without clashing with the first paste", () => {
    const d = graph();
    const clip = copyModules(d, ["n1"]);
    const once = paste(d, clip, { x: 40, y: 40 });
    const twice = paste(once.doc, clip, { x: 80, y: 80 });
    expect(twice.ids).toEqual(["n3"]);
  });

  it("rewires connections among the copied modules and leaves out the others", () => {
    const d = graph();
    const e = paste(d, copyModules(d, ["n1", "s"]), { x: 40, y: 40 });
    expect(e.doc.connections.slice(2)).toEqual([conn("n2.value", "s1.a")]);
  });

  it("offsets pasted positions", () => {
    const d = graph();
    const e = paste(d, copyModules(d, ["s"]), { x: 40, y: 40 });
    expect(e.doc.modules.at(-1)?.position).toEqual({ x: 40, y: 40 });
  });
});

describe("copy and paste of groups", () => {
  const grouped = () => {
    const d = doc((w) =>
      w.module("a", "basic.Constant").module("b", "basic.Constant").module("c", "basic.Constant"),
    );
    d.groups = [
      { id: "group1", name: "heater", modules: ["a", "b"], collapsed: true },
      { id: "group2", name: "other", modules: ["c"] },
    ];
    return d;
  };

  it("carries a group whose modules were all copied, under a fresh id, with its name and collapsed state", () => {
    const d = grouped();
    const e = paste(d, copyModules(d, ["a", "b"]), { x: 40, y: 40 });
    expect(e.doc.groups).toEqual([
      ...(d.groups ?? []),
      { id: "group3", name: "heater", modules: e.ids, collapsed: true },
    ]);
  });

  it("leaves out a group only partly copied, and pastes its module ungrouped", () => {
    const d = grouped();
    const e = paste(d, copyModules(d, ["a", "c"]), { x: 40, y: 40 });
    expect(e.doc.groups?.map((g) => g.name)).toEqual(["heater", "other", "other"]);
    expect(e.doc.groups?.[2]?.modules).toEqual([e.ids[1]]);
    expect(e.doc.groups?.flatMap((g) => g.modules).filter((m) => m === e.ids[0])).toEqual([]);
  });
});
