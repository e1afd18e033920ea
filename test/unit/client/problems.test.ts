import { describe, expect, it } from "vitest";
import { documentProblems, withServerProblems } from "../../../client/editor/core/problems.js";
import { indexCatalog } from "../../../client/platform/api/catalog.js";
import { catalog, catalogEntries, doc } from "./catalog-fixture.js";

const messages = (map: ReturnType<typeof documentProblems>, id: string) => map.get(id)?.map((p) => p.message);

describe("problems shown on the nodes", () => {
  it("names unconnected inputs, bad params and unknown types by module", () => {
    const d = doc((w) =>
      w
        .module("s", "basic.Add")
        .module("t", "data.Table", { rows: 0 })
        .module("x", "nope.Thing")
        .connect("t.table", "s.a"),
    );
    const problems = documentProblems(d, catalog);
    // The engine's words (server/schema/graph-check.ts): the editor and the server say the same.
    expect(messages(problems, "s")).toEqual([
      "t.table -> s.a: a table output cannot feed a number input",
      'required input "b" is not connected',
    ]);
    expect(messages(problems, "t")).toEqual(["rows must be at least 1", "path is required"]);
    expect(messages(problems, "x")).toEqual(['unknown module type "nope.Thing"']);
  });

  it("finds nothing wrong in a complete document", () => {
    const d = doc((w) =>
      w
        .module("k", "basic.Constant")
        .module("s", "basic.Add")
        .connect("k.value", "s.a")
        .connect("k.value", "s.b"),
    );
    expect(documentProblems(d, catalog).size).toBe(0);
  });

  it("refuses an unknown param with the validator's code, naming the key and the module's params", () => {
    const d = doc((w) => w.module("k", "basic.Constant", { value: 1, vaule: 2 }));
    expect(documentProblems(d, catalog).get("k")).toEqual([
      {
        code: "invalid_param",
        message: 'params.vaule: basic.Constant has no param "vaule" (params: value)',
        moduleId: "k",
        field: "params.vaule",
      },
    ]);
  });

  it("leaves the params of an older module version to the server, which upgrades them", () => {
    const newer = indexCatalog(
      catalogEntries.map((e) => (e.type === "data.Table" ? { ...e, version: 2 } : e)),
    );
    const d = doc((w) => w.module("t", "data.Table", { lines: 5 }));
    const old = { ...d, modules: d.modules.map((m) => ({ ...m, version: 1 })) };
    expect(documentProblems(old, newer).size).toBe(0);
    expect(messages(documentProblems(d, newer), "t")).toContain(
      'params.lines: data.Table has no param "lines" (params: rows, format, header, path, options)',
    );
  });

  it("adds the server's problems to the module they name", () => {
    const merged = withServerProblems(new Map(), [{ code: "cycle", message: "a cycle", moduleId: "k" }]);
    expect(merged.get("k")?.[0]?.message).toBe("a cycle");
  });

  it("lists a mistake the editor and the server both found once, whatever each's words", () => {
    const local = documentProblems(
      doc((w) => w.module("k", "basic.Constant", { valeu: 2 })),
      catalog,
    );
    const merged = withServerProblems(local, [
      { code: "invalid_param", message: "in the server's words", moduleId: "k", field: "params.valeu" },
      {
        code: "invalid_param",
        message: "params.expression: not an expression",
        moduleId: "k",
        field: "params.expression",
      },
    ]);
    expect(merged.get("k")?.map((p) => p.field)).toEqual(["params.valeu", "params.expression"]);
  });
});
