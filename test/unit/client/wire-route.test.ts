import { describe, expect, it } from "vitest";
import { FlowEdgeCache } from "../../../client/editor/canvas/flow-elements.js";
import { DETOUR_MARGIN, detourLane } from "../../../client/editor/core/wire-route.js";
import { catalog, doc } from "./catalog-fixture.js";

const none = { modules: new Set<string>(), connections: new Set<string>() };
const box = { x: 100, y: 0, width: 200, height: 100 };

describe("wires around modules", () => {
  it("leaves a wire with nothing in its way as it is", () => {
    expect(detourLane({ x: 0, y: 50 }, { x: 400, y: 50 }, [{ ...box, y: 300 }])).toBeUndefined();
  });

  it("takes the nearer lane around a module in the way, above or below it", () => {
    expect(detourLane({ x: 0, y: 30 }, { x: 400, y: 30 }, [box])).toBe(-DETOUR_MARGIN);
    expect(detourLane({ x: 0, y: 80 }, { x: 400, y: 80 }, [box])).toBe(100 + DETOUR_MARGIN);
  });

  it("routes the canvas wire between two modules with a third between them", () => {
    const d = doc((w) =>
      w
        .module("t", "basic.Constant")
        .at("t", 0, 0)
        .module("mid", "basic.Add")
        .at("mid", 260, 0)
        .module("end", "basic.Add")
        .at("end", 520, 0)
        .connect("t.value", "end.a"),
    );
    const [edge] = new FlowEdgeCache().build(d, catalog, none);
    expect(edge?.type).toBe("routed");
    expect(edge?.data?.lane).toBeTypeOf("number");
    const apart = doc((w) =>
      w
        .module("t", "basic.Constant")
        .at("t", 0, 0)
        .module("end", "basic.Add")
        .at("end", 520, 0)
        .connect("t.value", "end.a"),
    );
    expect(new FlowEdgeCache().build(apart, catalog, none)[0]?.type).toBeUndefined();
  });
});
