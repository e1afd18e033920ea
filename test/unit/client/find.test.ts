import { describe, expect, it } from "vitest";
import { findModules } from "../../../client/editor/core/find.js";
import { setLabel } from "../../../client/editor/core/modules.js";
import { catalog, doc } from "./catalog-fixture.js";

const graph = () =>
  setLabel(
    doc((w) => w.module("n1", "basic.Constant").module("sum", "basic.Add").module("n10", "basic.Constant")),
    "sum",
    "Total mass",
  ).doc;

describe("finding modules", () => {
  it("finds by id, an exact id first", () => {
    expect(findModules(graph(), catalog, "n1")).toEqual(["n1", "n10"]);
    expect(findModules(graph(), catalog, "N10")).toEqual(["n10", "n1"].slice(0, 1));
  });

  it("finds by label and by type, ignoring case", () => {
    expect(findModules(graph(), catalog, "mass")).toEqual(["sum"]);
    expect(findModules(graph(), catalog, "constant")).toEqual(["n1", "n10"]);
    expect(findModules(graph(), catalog, "basic.add")).toEqual(["sum"]);
  });

  it("finds nothing for an empty query or no match", () => {
    expect(findModules(graph(), catalog, "  ")).toEqual([]);
    expect(findModules(graph(), catalog, "zzz")).toEqual([]);
  });
});
