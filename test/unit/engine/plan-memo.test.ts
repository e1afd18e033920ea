import { utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineModule } from "../../../modules/sdk/define-module.js";
import { port } from "../../../modules/sdk/port.js";
import { testRuntime } from "../../helpers/runtime.js";
import { ExecutionLog, registryWithTestModules } from "../../helpers/test-modules.js";
import { workflow } from "../../helpers/workflow-builder.js";

/** Validation and signatures are kept per document version: what may change between runs is not. */
describe("an unchanged re-run of the same document", () => {
  it("reads a file that changed since the last run again", async () => {
    const { engine } = await testRuntime();
    const file = join(engine.workspace.root, "gain.txt");
    const doc = workflow("file").module("read", "basic.ReadFile", { path: "gain.txt" }).build();
    writeFileSync(file, "1");
    await engine.waitForRun(engine.startRun(doc).runId);
    writeFileSync(file, "22");
    utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    const again = engine.startRun(doc).runId;
    await engine.waitForRun(again);
    expect(engine.getRun(again).modules.read).toMatchObject({ status: "done", outputs: { content: "22" } });
  });

  it("is refused when a lent service's rule now refuses a param it took before", async () => {
    let limit = 100;
    const limited = defineModule({
      type: "test.Limited",
      version: 1,
      label: "Limited",
      description: "a setpoint the instrument's rule limits",
      inputs: {},
      outputs: { value: port.number() },
      params: z.object({ setpoint: z.number() }),
      validate: (params) => (params.setpoint > limit ? [{ field: "setpoint", message: "too hot" }] : []),
      compute: (ctx) => ({ value: ctx.params.setpoint }),
    });
    const registry = await registryWithTestModules(new ExecutionLog());
    registry.register(limited);
    const { engine } = await testRuntime({ registry });
    const doc = workflow("rule").module("set", "test.Limited", { setpoint: 90 }).build();
    expect(await engine.waitForRun(engine.startRun(doc).runId)).toBe("completed");
    limit = 50;
    expect(() => engine.startRun(doc)).toThrow(expect.objectContaining({ code: "invalid_workflow" }));
    try {
      engine.startRun(doc);
    } catch (error) {
      expect((error as { problems: unknown }).problems).toEqual([
        { code: "param_refused", moduleId: "set", field: "params.setpoint", message: "too hot" },
      ]);
    }
  });

  it("fails a module that changes its params, and a later run sees them as written", async () => {
    const meddling = defineModule({
      type: "test.Meddling",
      version: 1,
      label: "Meddling",
      description: "changes its own params (a module must not)",
      inputs: {},
      outputs: { count: port.number() },
      params: z.object({ items: z.array(z.number()) }),
      cache: "never",
      compute: (ctx) => {
        ctx.params.items.push(ctx.params.items.length);
        return { count: ctx.params.items.length };
      },
    });
    const registry = await registryWithTestModules(new ExecutionLog());
    registry.register(meddling);
    const { engine } = await testRuntime({ registry });
    const doc = workflow("meddle")
      .module("m", "test.Meddling", { items: [1] })
      .build();
    for (let i = 0; i < 2; i++) {
      const { runId } = engine.startRun(doc);
      expect(await engine.waitForRun(runId)).toBe("failed");
      expect(engine.getRun(runId).modules.m?.error?.message).toMatch(/not extensible|read.only/i);
    }
    expect(doc.modules[0]?.params).toEqual({ items: [1] });
  });

  it("starts afresh on request (rerun) although its plan is kept", async () => {
    const { engine, log } = await testRuntime();
    const doc = workflow("again")
      .module("a", "test.Number", { value: 1 })
      .module("b", "test.Inc")
      .connect("a.value", "b.x")
      .build();
    await engine.waitForRun(engine.startRun(doc).runId);
    const fresh = engine.startRun(doc, { rerun: { modules: ["b"], reason: "drifted" } }).runId;
    await engine.waitForRun(fresh);
    expect(engine.getRun(fresh).modules.a?.status).toBe("cached");
    expect(engine.getRun(fresh).modules.b?.status).toBe("done");
    expect(log.count()).toBe(3);
  });
});
