/**
 * One graph validator: bad documents run through the engine (module registry, what `labflow
 * validate` and `POST /api/runs` answer) and through the editor (the catalog the server sends),
 * and both must name the same problems with the same codes, places and messages.
 */
import { describe, expect, it } from "vitest";
import { graphProblems } from "../../../client/editor/core/problems.js";
import { indexCatalog } from "../../../client/platform/api/catalog.js";
import { catalogEntry } from "../../../modules/sdk/catalog.js";
import { discoverBuiltinModules } from "../../../modules/sdk/registry.js";
import { EngineError } from "../../../server/engine/engine-error.js";
import { validateWorkflow } from "../../../server/engine/validate-workflow.js";
import { CatalogAnswer } from "../../../server/schema/catalog.js";
import type { Problem } from "../../../server/schema/problem.js";
import { WorkflowDocument } from "../../../server/schema/workflow-document.js";
import { type WorkflowBuilder, workflow } from "../../helpers/workflow-builder.js";

const registry = await discoverBuiltinModules();
// The catalog as the editor gets it: through JSON and the contract's schema.
const catalog = indexCatalog(
  CatalogAnswer.parse(JSON.parse(JSON.stringify({ modules: registry.all().map(catalogEntry) }))).modules,
);

function engineProblems(document: unknown): Problem[] {
  try {
    validateWorkflow(document, registry);
  } catch (error) {
    if (error instanceof EngineError) return error.problems ?? [];
    throw error;
  }
  return [];
}

/** Params are checked by zod in the engine and by JSON Schema in the editor: same codes and places. */
const comparable = (p: Problem) =>
  p.code === "invalid_param" ? { code: p.code, moduleId: p.moduleId, field: p.field } : p;

const cases: [string, (w: WorkflowBuilder) => WorkflowBuilder, string[]][] = [
  [
    "a module id used twice",
    (w) => w.module("a", "basic.Constant").module("a", "basic.Constant"),
    ["duplicate_module_id"],
  ],
  ["an unknown module type", (w) => w.module("x", "basic.Nope"), ["unknown_module_type"]],
  [
    "a connection from a module the workflow does not have",
    (w) => w.module("s", "basic.Add").connect("k.value", "s.a").connect("k.value", "s.b"),
    // Nothing flows along them: both inputs are also unconnected.
    ["unknown_module", "unknown_module", "missing_input", "missing_input"],
  ],
  [
    "an unknown output port",
    (w) =>
      w
        .module("k", "basic.Constant")
        .module("s", "basic.Add")
        .connect("k.nope", "s.a")
        .connect("k.value", "s.b"),
    ["unknown_port"],
  ],
  [
    "an unknown input port",
    (w) => w.module("k", "basic.Constant").module("s", "basic.Add").connect("k.value", "s.nope"),
    ["unknown_port", "missing_input", "missing_input"],
  ],
  [
    "port types that do not fit",
    (w) =>
      w
        .module("t", "basic.Template", { template: "x" })
        .module("s", "basic.Add")
        .connect("t.text", "s.a")
        .connect("t.text", "s.b"),
    ["incompatible_ports", "incompatible_ports"],
  ],
  [
    "a second connection into one input",
    (w) =>
      w
        .module("k", "basic.Constant")
        .module("j", "basic.Constant")
        .module("s", "basic.Add")
        .connect("k.value", "s.a")
        .connect("j.value", "s.a")
        .connect("k.value", "s.b"),
    ["input_already_connected"],
  ],
  [
    "a required input left unconnected",
    (w) => w.module("s", "basic.Add"),
    ["missing_input", "missing_input"],
  ],
  [
    "a cycle",
    (w) =>
      w
        .module("k", "basic.Constant")
        .module("a", "basic.Add")
        .module("b", "basic.Add")
        .connect("k.value", "a.a")
        .connect("b.sum", "a.b")
        .connect("k.value", "b.a")
        .connect("a.sum", "b.b"),
    ["cycle"],
  ],
  ["a key the params do not have", (w) => w.module("k", "basic.Constant", { valeu: 2 }), ["invalid_param"]],
  ["a param of the wrong type", (w) => w.module("t", "basic.Template", { template: 5 }), ["invalid_param"]],
  [
    "several problems at once",
    (w) =>
      w
        .module("x", "basic.Nope")
        .module("s", "basic.Add")
        .module("t", "basic.Template", { template: "x" })
        .connect("t.text", "s.a")
        .connect("x.out", "s.b"),
    ["unknown_module_type", "incompatible_ports"],
  ],
];

describe("one graph validator for the engine and the editor", () => {
  it.each(cases)("names %s the same way in both", (_name, build, codes) => {
    const document = build(workflow("bad")).build();
    const fromEngine = engineProblems(document);
    const fromEditor = graphProblems(WorkflowDocument.parse(document), catalog);
    expect(fromEngine.map((p) => p.code)).toEqual(codes);
    expect(fromEditor.map(comparable)).toEqual(fromEngine.map(comparable));
  });

  it("refuses the ids and ports of Object.prototype like any unknown name", () => {
    const document = workflow("bad")
      .module("k", "basic.Constant")
      .module("s", "basic.Add")
      .connect("k.constructor", "s.a")
      .connect("k.value", "s.toString")
      .build();
    const fromEngine = engineProblems(document);
    expect(fromEngine.map((p) => [p.code, p.port])).toEqual([
      ["unknown_port", "constructor"],
      ["unknown_port", "toString"],
      ["missing_input", "b"],
    ]);
    expect(graphProblems(WorkflowDocument.parse(document), catalog)).toEqual(fromEngine);
  });
});
