import { describe, expect, it } from "vitest";
import { FlowEdgeCache, FlowNodeCache } from "../../../client/editor/canvas/flow-elements.js";
import { buildShapeScene, moduleAt } from "../../../client/editor/canvas/shape-drawing.js";
import { placeDrawing } from "../../../client/editor/canvas/shape-view.js";
import { STATUS_COLOURS } from "../../../client/editor/canvas/status-colours.js";
import { catalog, doc } from "./catalog-fixture.js";

const none = { modules: new Set<string>(), connections: new Set<string>() };

function sceneOf(d: ReturnType<typeof doc>, selection = none) {
  const nodes = new FlowNodeCache().build({
    doc: d,
    catalog,
    selection,
    problems: new Map(),
    run: undefined,
  });
  const edges = new FlowEdgeCache().build(d, catalog, selection);
  return buildShapeScene(nodes, edges);
}

const twoConnected = () =>
  doc((w) =>
    w.module("a", "basic.Constant").module("s", "basic.Add").connect("a.value", "s.a").at("s", 400, 100),
  );

describe("low-zoom shapes", () => {
  it("draws each module as a box of its node's size, coloured by its state and marked when selected", () => {
    const scene = sceneOf(twoConnected(), { modules: new Set(["s"]), connections: new Set() });
    expect(scene.boxes.map((b) => [b.id, b.x, b.y, b.width, b.colour, b.selected])).toEqual([
      ["a", 0, 0, 200, STATUS_COLOURS.idle, false],
      ["s", 400, 100, 200, STATUS_COLOURS.idle, true],
    ]);
  });

  it("marks the modules that have problems (an unconnected required input here)", () => {
    const d = twoConnected();
    const nodes = new FlowNodeCache().build({
      doc: d,
      catalog,
      selection: none,
      problems: new Map([
        ["s", [{ code: "missing_input", moduleId: "s", message: 'required input "b" is not connected' }]],
      ]),
      run: undefined,
    });
    const scene = buildShapeScene(nodes, new FlowEdgeCache().build(d, catalog, none));
    expect(scene.boxes.map((b) => [b.id, b.problem])).toEqual([
      ["a", false],
      ["s", true],
    ]);
  });

  it("draws a wire from the output's handle to the input's handle", () => {
    const scene = sceneOf(twoConnected());
    // The centres of Constant's output handle and Add's first input handle (they stick out 5 px).
    expect([...scene.wires]).toEqual([199.5, 52, 403.5, 152]);
  });

  it("leaves out modules hidden in a collapsed group and their wires", () => {
    const d = twoConnected();
    const nodes = new FlowNodeCache()
      .build({ doc: d, catalog, selection: none, problems: new Map(), run: undefined })
      .map((n) => (n.id === "a" ? { ...n, hidden: true } : n));
    const scene = buildShapeScene(nodes, new FlowEdgeCache().build(d, catalog, none));
    expect(scene.boxes.map((b) => b.id)).toEqual(["s"]);
    expect(scene.wires.length).toBe(0);
  });

  it("finds the module under a point, or beside it within the slop", () => {
    const scene = sceneOf(twoConnected());
    expect(moduleAt(scene, { x: 450, y: 120 })).toBe("s");
    expect(moduleAt(scene, { x: 300, y: 20 })).toBeUndefined();
    expect(moduleAt(scene, { x: 395, y: 120 }, 10)).toBe("s");
  });
});

describe("moving the last shape drawing instead of drawing again", () => {
  const pane = { width: 1000, height: 800 };
  const drawn = { transform: [10, 20, 0.1] as const, mx: 200, my: 160 };

  it("moves it by the pan while the view stays within its margin", () => {
    expect(placeDrawing(drawn, [110, 0, 0.1], pane)).toEqual({ x: -100, y: -180, scale: 1 });
  });

  it("asks for a new drawing once the pan leaves the margin", () => {
    expect(placeDrawing(drawn, [260, 20, 0.1], pane)).toBeUndefined();
  });

  it("scales it with a small zoom, and asks for a new one past the drift allowed", () => {
    const place = placeDrawing(drawn, [10, 20, 0.11], pane);
    expect(place?.scale).toBeCloseTo(1.1);
    expect(placeDrawing(drawn, [10, 20, 0.2], pane)).toBeUndefined();
  });
});
