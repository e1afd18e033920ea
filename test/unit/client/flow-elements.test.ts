import { describe, expect, it } from "vitest";
import { EDGE_Z_INDEX, FlowEdgeCache, FlowNodeCache } from "../../../client/editor/canvas/flow-elements.js";
import { setParam } from "../../../client/editor/core/modules.js";
import { catalog, doc } from "./catalog-fixture.js";

const none = { modules: new Set<string>(), connections: new Set<string>() };

describe("canvas nodes from the document", () => {
  it("keeps the node object of every module an edit did not touch", () => {
    const cache = new FlowNodeCache();
    const d = doc((w) => w.module("a", "basic.Constant").module("b", "basic.Constant"));
    const first = cache.build({ doc: d, catalog, selection: none, problems: new Map(), run: undefined });
    const edited = setParam(d, "b", "value", 3).doc;
    const second = cache.build({
      doc: edited,
      catalog,
      selection: none,
      problems: new Map(),
      run: undefined,
    });
    expect(second[0]).toBe(first[0]);
    expect(second[1]).not.toBe(first[1]);
  });

  it("gives each node its size and handle positions before it is rendered", () => {
    const cache = new FlowNodeCache();
    const d = doc((w) => w.module("s", "basic.Add"));
    const [node] = cache.build({ doc: d, catalog, selection: none, problems: new Map(), run: undefined });
    expect(node?.initialWidth).toBe(200);
    expect(node?.handles?.map((h) => [h.id, h.type, h.y])).toEqual([
      ["in:a", "target", 47.5],
      ["in:b", "target", 65.5],
      ["out:sum", "source", 47.5],
    ]);
  });
});

describe("canvas nodes and wires for React Flow", () => {
  it("gives a node made anew (on select) its size as measured, so fit view never waits for a measure", () => {
    const cache = new FlowNodeCache();
    const d = doc((w) => w.module("s", "basic.Add"));
    cache.build({ doc: d, catalog, selection: none, problems: new Map(), run: undefined });
    const selected = { modules: new Set(["s"]), connections: new Set<string>() };
    const [node] = cache.build({ doc: d, catalog, selection: selected, problems: new Map(), run: undefined });
    expect(node?.selected).toBe(true);
    expect(node?.measured).toEqual({ width: node?.initialWidth, height: node?.initialHeight });
  });

  it("draws wires above modules, so a wire crossing a module is never hidden under it", () => {
    const d = doc((w) => w.module("n", "basic.Constant").module("s", "basic.Add").connect("n.value", "s.a"));
    const [edge] = new FlowEdgeCache().build(d, catalog, none);
    expect(edge?.zIndex).toBe(EDGE_Z_INDEX);
    expect(EDGE_Z_INDEX).toBeGreaterThan(0);
  });
});
