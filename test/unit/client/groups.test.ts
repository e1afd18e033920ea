import { describe, expect, it } from "vitest";
import { EditorStore } from "../../../client/editor/core/editor-store.js";
import {
  groupModules,
  hiddenModules,
  setGroupCollapsed,
  setGroupName,
  ungroup,
} from "../../../client/editor/core/groups.js";
import { removeModules, renameModule } from "../../../client/editor/core/modules.js";
import { WorkflowDocument } from "../../../server/schema/workflow-document.js";
import { catalogEntries, doc } from "./catalog-fixture.js";

const three = () =>
  doc((w) => w.module("a", "basic.Constant").module("b", "basic.Constant").module("c", "basic.Add"));

describe("groups", () => {
  it("groups existing modules under a name, stored as a valid document", () => {
    const e = groupModules(three(), ["a", "b", "nope"], "Inputs");
    expect(e?.doc.groups).toEqual([{ id: "group1", name: "Inputs", modules: ["a", "b"] }]);
    expect(WorkflowDocument.safeParse(e?.doc).success).toBe(true);
  });

  it("moves a module from its old group into the new one, dropping a group left empty", () => {
    const first = groupModules(three(), ["a"])?.doc ?? three();
    const second = groupModules(first, ["a", "c"]);
    expect(second?.doc.groups).toEqual([{ id: "group2", name: "Group 2", modules: ["a", "c"] }]);
  });

  it("names, collapses and expands a group; collapsed members are hidden", () => {
    let d = groupModules(three(), ["a", "b"])?.doc ?? three();
    d = setGroupName(d, "group1", "Sources").doc;
    d = setGroupCollapsed(d, "group1", true).doc;
    expect(d.groups?.[0]).toEqual({ id: "group1", name: "Sources", modules: ["a", "b"], collapsed: true });
    expect(hiddenModules(d)).toEqual(new Set(["a", "b"]));
    d = setGroupCollapsed(d, "group1", false).doc;
    expect(d.groups?.[0]?.collapsed).toBeUndefined();
    expect(hiddenModules(d).size).toBe(0);
  });

  it("follows deleted and renamed modules, and ungrouping leaves the document as before", () => {
    const before = three();
    const grouped = groupModules(before, ["a", "b"])?.doc ?? before;
    const renamed = renameModule(grouped, "a", "x");
    expect(renamed.ok && renamed.edit.doc.groups?.[0]?.modules).toEqual(["x", "b"]);
    expect(removeModules(grouped, ["a", "b"]).doc.groups).toBeUndefined();
    expect(ungroup(grouped, ["group1"]).doc).toEqual(before);
  });

  it("groups the selection in the store as one undo step", () => {
    const s = new EditorStore(three());
    s.setCatalog(catalogEntries);
    s.select({ modules: new Set(["a", "c"]), connections: new Set() });
    expect(s.groupSelection()).toBe("group1");
    expect(s.getState().doc.groups?.[0]?.modules).toEqual(["a", "c"]);
    s.undo();
    expect(s.getState().doc.groups).toBeUndefined();
  });
});
