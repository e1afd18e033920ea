import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineModule } from "../../../modules/sdk/define-module.js";
import { ModuleRegistry } from "../../../modules/sdk/registry.js";
import { EngineError } from "../../../server/engine/engine-error.js";
import { validateWorkflow } from "../../../server/engine/validate-workflow.js";
import { testRuntime } from "../../helpers/runtime.js";
import { workflow } from "../../helpers/workflow-builder.js";

async function problemsOf(document: unknown) {
  const { engine, store } = await testRuntime();
  let caught: unknown;
  try {
    engine.startRun(document);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(EngineError);
  // Nothing of an invalid document reaches the store.
  expect(store.listRuns()).toEqual([]);
  return (caught as EngineError).problems;
}

describe("workflow validation", () => {
  it("names the module of an unknown module type", async () => {
    const problems = await problemsOf(workflow().module("x", "basic.Nope").build());
    expect(problems).toEqual([expect.objectContaining({ code: "unknown_module_type", moduleId: "x" })]);
  });

  it("names module and port of an unknown port", async () => {
    const doc = workflow()
      .module("a", "test.Number")
      .module("b", "test.Inc")
      .connect("a.nope", "b.x")
      .build();
    expect(await problemsOf(doc)).toContainEqual(
      expect.objectContaining({ code: "unknown_port", moduleId: "a", port: "nope" }),
    );
  });

  it.each([
    ["constructor", "toString"],
    ["__proto__", "x"],
    ["hasOwnProperty", "valueOf"],
  ])("refuses ports named after Object.prototype's members (%s -> %s) as unknown_port", async (from, to) => {
    const doc = workflow()
      .module("a", "test.Number")
      .module("t", "test.Inc")
      .connect(`a.${from}`, `t.${to}`)
      .build();
    expect(await problemsOf(doc)).toContainEqual(
      expect.objectContaining({ code: "unknown_port", moduleId: "a", port: from }),
    );
    const inward = workflow()
      .module("a", "test.Number")
      .module("t", "test.Inc")
      .connect("a.value", `t.${to === "x" ? "constructor" : to}`)
      .build();
    expect(await problemsOf(inward)).toContainEqual(
      expect.objectContaining({ code: "unknown_port", moduleId: "t" }),
    );
  });

  it.each(["__proto__", "constructor", "hasOwnProperty", "toString", "prototype"])(
    "refuses the reserved module id %s with invalid_id",
    async (id) => {
      const doc = workflow().module(id, "test.Number").build();
      expect(await problemsOf(doc)).toEqual([expect.objectContaining({ code: "invalid_id", moduleId: id })]);
    },
  );

  it("refuses an incompatible connection, naming the target port", async () => {
    const doc = workflow()
      .module("s", "basic.Template", { template: "x" })
      .module("b", "test.Inc")
      .connect("s.text", "b.x")
      .build();
    expect(await problemsOf(doc)).toContainEqual(
      expect.objectContaining({
        code: "incompatible_ports",
        moduleId: "b",
        port: "x",
        message: expect.stringContaining("string"),
      }),
    );
  });

  it("refuses a second connection into a single input", async () => {
    const doc = workflow()
      .module("a", "test.Number")
      .module("c", "test.Number")
      .module("b", "test.Inc")
      .connect("a.value", "b.x")
      .connect("c.value", "b.x")
      .build();
    expect(await problemsOf(doc)).toContainEqual(
      expect.objectContaining({ code: "input_already_connected", moduleId: "b", port: "x" }),
    );
  });

  it("names a missing required input", async () => {
    const problems = await problemsOf(workflow().module("b", "test.Inc").build());
    expect(problems).toEqual([expect.objectContaining({ code: "missing_input", moduleId: "b", port: "x" })]);
  });

  it("names the modules of a cycle", async () => {
    const doc = workflow()
      .module("a", "test.Inc")
      .module("b", "test.Inc")
      .connect("a.y", "b.x")
      .connect("b.y", "a.x")
      .build();
    const problems = await problemsOf(doc);
    expect(problems).toEqual([
      expect.objectContaining({ code: "cycle", message: expect.stringMatching(/a -> b -> a|b -> a -> b/) }),
    ]);
  });

  it("refuses unknown keys, naming the field and module", async () => {
    const doc = { ...workflow().module("a", "test.Number").build(), extra: 1 };
    expect(await problemsOf(doc)).toContainEqual(expect.objectContaining({ code: "invalid_document" }));
    const withBadModuleKey = {
      version: 1,
      name: "x",
      modules: [{ id: "a", type: "test.Number", colour: "red" }],
    };
    expect(await problemsOf(withBadModuleKey)).toContainEqual(
      expect.objectContaining({ moduleId: "a", field: "modules.0" }),
    );
  });

  it("names the module and field of an invalid param", async () => {
    const doc = workflow().module("a", "test.Number", { value: "two" }).build();
    expect(await problemsOf(doc)).toContainEqual(
      expect.objectContaining({ code: "invalid_param", moduleId: "a", field: "params.value" }),
    );
  });

  it("refuses a document from a newer labflow", async () => {
    expect(await problemsOf({ version: 2, name: "x", modules: [] })).toContainEqual(
      expect.objectContaining({ code: "document_too_new", field: "version" }),
    );
  });

  it("parses each distinct params text once per module type, and names every module of refused params", () => {
    let parses = 0;
    const counted = z.object({ value: z.number().default(1) }).superRefine(() => {
      parses++;
    });
    const registry = new ModuleRegistry();
    for (const type of ["count.A", "count.B"])
      registry.register(
        defineModule({
          type,
          version: 1,
          label: type,
          description: "counts parses",
          inputs: {},
          outputs: {},
          params: counted,
          compute: () => ({}),
        }),
      );
    const doc = workflow()
      .module("a1", "count.A", { value: 2 })
      .module("a2", "count.A", { value: 2 })
      .module("a3", "count.A")
      .module("b1", "count.B", { value: 2 })
      .build();
    const graph = validateWorkflow(doc, registry);
    expect(parses).toBe(3);
    expect(graph.nodes.map((n) => n.params)).toEqual([
      { value: 2 },
      { value: 2 },
      { value: 1 },
      { value: 2 },
    ]);

    const bad = workflow()
      .module("x1", "count.A", { value: "two" })
      .module("x2", "count.A", { value: "two" })
      .build();
    expect(() => validateWorkflow(bad, registry)).toThrow(EngineError);
    try {
      validateWorkflow(bad, registry);
    } catch (error) {
      expect((error as EngineError).problems.map((p) => [p.moduleId, p.field])).toEqual([
        ["x1", "params.value"],
        ["x2", "params.value"],
      ]);
    }
  });

  it("parses params JSON could not hold (undefined, NaN, a Date) every time", () => {
    let parses = 0;
    const registry = new ModuleRegistry();
    registry.register(
      defineModule({
        type: "count.C",
        version: 1,
        label: "C",
        description: "counts parses",
        inputs: {},
        outputs: {},
        params: z.object({ at: z.unknown() }).superRefine(() => {
          parses++;
        }),
        compute: () => ({}),
      }),
    );
    const doc = workflow()
      .module("c1", "count.C", { at: new Date(0) })
      .module("c2", "count.C", { at: new Date(0) })
      .module("c3", "count.C", { at: Number.NaN })
      .module("c4", "count.C", { at: Number.NaN })
      .build();
    validateWorkflow(doc, registry);
    expect(parses).toBe(4);
  });
});
