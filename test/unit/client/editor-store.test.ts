import { describe, expect, it } from "vitest";
import { EditorStore } from "../../../client/editor/core/editor-store.js";
import { catalogEntries, conn, doc } from "./catalog-fixture.js";

function store(build?: Parameters<typeof doc>[0]) {
  const s = new EditorStore(doc(build));
  s.setCatalog(catalogEntries);
  return s;
}

describe("the editor store", () => {
  it("records a whole drag as one undo step", () => {
    const s = store((w) => w.module("k", "basic.Constant"));
    s.moveDuring(new Map([["k", { x: 10, y: 0 }]]));
    s.moveDuring(new Map([["k", { x: 20, y: 5 }]]));
    s.endMove(new Map([["k", { x: 30, y: 10 }]]));
    expect(s.getState().history.past).toHaveLength(1);
    expect(s.getState().doc.modules[0]?.position).toEqual({ x: 30, y: 10 });
    s.undo();
    expect(s.getState().doc.modules[0]?.position).toBeUndefined();
  });

  it("auto-layout is one undo step, and lays out only the selection when there is one", () => {
    const s = store((w) =>
      w
        .module("k", "basic.Constant")
        .module("s", "basic.Add")
        .module("o", "basic.Constant")
        .connect("k.value", "s.a"),
    );
    const before = s.getState().doc;
    s.select({ modules: new Set(["k", "s"]), connections: new Set() });
    expect(s.autoLayout()).toBe(2);
    expect(s.getState().history.past).toHaveLength(1);
    expect(s.getState().doc.modules.find((m) => m.id === "o")?.position).toBeUndefined();
    s.undo();
    expect(s.getState().doc).toEqual(before);
  });

  it("deletes the selection with the connections attached, and undo restores both", () => {
    const s = store((w) =>
      w.module("k", "basic.Constant").module("s", "basic.Add").connect("k.value", "s.a"),
    );
    const before = s.getState().doc;
    s.select({ modules: new Set(["k"]), connections: new Set() });
    s.deleteSelection();
    expect(s.getState().doc.modules.map((m) => m.id)).toEqual(["s"]);
    expect(s.getState().doc.connections).toEqual([]);
    s.undo();
    expect(s.getState().doc).toEqual(before);
  });

  it("shows why a connection is refused", () => {
    const s = store((w) => w.module("t", "data.Table", { path: "p" }).module("s", "basic.Add"));
    expect(s.connect(conn("t.table", "s.a"))).toBe(false);
    expect(s.getState().notice?.text).toBe(
      "Connection refused: t.table (table) -> s.a (number): a table output cannot feed a number input",
    );
  });

  it("pastes copies with new ids and selects them", () => {
    const s = store((w) =>
      w.module("k", "basic.Constant").module("s", "basic.Add").connect("k.value", "s.a"),
    );
    s.selectAll();
    s.copy();
    s.paste();
    expect([...s.getState().selection.modules]).toEqual(["k1", "s1"]);
    expect(s.getState().doc.connections).toContainEqual(conn("k1.value", "s1.a"));
  });

  it("opens another document as an undoable step", () => {
    const s = store((w) => w.module("k", "basic.Constant"));
    const first = s.getState().doc;
    s.openDocument(doc(), "New", false);
    expect(s.getState().doc.modules).toEqual([]);
    s.undo();
    expect(s.getState().doc).toEqual(first);
  });

  it("freezes an opened document, and redo after undo opens it again", () => {
    const s = store((w) => w.module("k", "basic.Constant"));
    const opened = doc((w) => w.module("a", "basic.Add"));
    s.openDocument(opened, "Open", false);
    expect(Object.isFrozen(s.getState().doc.modules[0])).toBe(true);
    s.undo();
    s.redo();
    expect(s.getState().doc).toEqual(opened);
  });

  it("refuses an id already in use when renaming", () => {
    const s = store((w) => w.module("k", "basic.Constant").module("s", "basic.Add"));
    expect(s.renameModule("k", "s")).toBe('the id "s" is taken');
    expect(s.renameModule("k", "two")).toBeUndefined();
  });
});
