import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineModule } from "../../../modules/sdk/define-module.js";
import { port } from "../../../modules/sdk/port.js";
import { discoverBuiltinModules } from "../../../modules/sdk/registry.js";
import { EngineError } from "../../../server/engine/engine-error.js";
import { openRuntime } from "../../../server/labflow-runtime.js";
import { tempDir } from "../../helpers/temp-dir.js";
import { waitUntil } from "../../helpers/wait-until.js";
import { workflow } from "../../helpers/workflow-builder.js";

/** A runtime over `dataDir` with the built-in modules and these. */
async function runtimeWith(dataDir: string, ...modules: ReturnType<typeof defineModule>[]) {
  const registry = await discoverBuiltinModules();
  for (const m of modules) registry.register(m);
  return openRuntime({ dataDir, registry, globalInterval: 100 });
}

describe("the engine and the module SDK", () => {
  it('refuses jobs.Timer {"secnds": 60}, naming the module, the param and the unknown key', async () => {
    const runtime = await runtimeWith(tempDir());
    const doc = workflow().module("wait", "jobs.Timer", { secnds: 60 }).build();
    let caught: unknown;
    try {
      runtime.engine.startRun(doc);
    } catch (error) {
      caught = error;
    }
    runtime.close();
    expect(caught).toBeInstanceOf(EngineError);
    expect((caught as EngineError).problems).toEqual([
      {
        code: "invalid_param",
        moduleId: "wait",
        field: "params.secnds",
        message: 'params.secnds: jobs.Timer has no param "secnds" (params: seconds)',
      },
    ]);
  });

  it('runs a cache: "never" module, and its downstream, in every run', async () => {
    const reads: string[] = [];
    const reading = defineModule({
      type: "test.Reading",
      version: 1,
      label: "Reading",
      description: "A reading of the world, never cached.",
      inputs: {},
      outputs: { value: port.number() },
      params: { scale: z.number().default(1) },
      cache: "never",
      compute: (ctx) => {
        reads.push(ctx.runId);
        return { value: reads.length * ctx.params.scale };
      },
    });
    const runtime = await runtimeWith(tempDir(), reading);
    const doc = workflow()
      .module("r", "test.Reading")
      .module("log", "basic.Log")
      .module("c", "basic.Constant", { value: 1 })
      .connect("r.value", "log.value")
      .build();
    const first = runtime.engine.startRun(doc).runId;
    expect(await runtime.engine.waitForRun(first)).toBe("completed");
    const second = runtime.engine.startRun(doc).runId;
    expect(await runtime.engine.waitForRun(second)).toBe("completed");
    const view = runtime.engine.getRun(second);
    runtime.close();
    expect(reads).toEqual([first, second]);
    expect(view.modules.r).toEqual({ status: "done", outputs: { value: 2 } });
    expect(view.modules.log).toMatchObject({ status: "done", outputs: { value: 2 } });
    expect(view.modules.c?.status).toBe("cached");
  });

  /** Version 2 renamed `secs` to `seconds`; version 1 documents still run. */
  const delayV1 = defineModule({
    type: "test.Delay",
    version: 1,
    label: "Delay",
    description: "Says how long.",
    inputs: { after: port.any("", { optional: true }) },
    outputs: { value: port.number() },
    params: { secs: z.number() },
    compute: (ctx) => ({ value: ctx.params.secs }),
  });
  const delayV2 = defineModule({
    type: "test.Delay",
    version: 2,
    label: "Delay",
    description: "Says how long.",
    inputs: { after: port.any("", { optional: true }) },
    outputs: { value: port.number() },
    params: { seconds: z.number() },
    upgrade: { 1: ({ secs, ...rest }) => ({ ...rest, seconds: secs }) },
    compute: (ctx) => ({ value: ctx.params.seconds }),
  });

  it("upgrades the params of a document made with an older module version, and records the upgrade", async () => {
    const runtime = await runtimeWith(tempDir(), delayV2);
    const doc = workflow().module("d", "test.Delay", { secs: 3 }).build();
    (doc.modules[0] as { version?: number }).version = 1;
    const { runId } = runtime.engine.startRun(doc);
    expect(await runtime.engine.waitForRun(runId)).toBe("completed");
    const view = runtime.engine.getRun(runId);
    runtime.close();
    expect(view.modules.d?.outputs).toEqual({ value: 3 });
    expect(view.workflow.modules[0]).toMatchObject({ version: 2, params: { seconds: 3 } });
  });

  it("upgrades the params of a stored run restored by a newer module version", async () => {
    const dataDir = tempDir();
    const before = await runtimeWith(dataDir, delayV1);
    const doc = workflow()
      .module("t", "jobs.Timer", { seconds: 0.5 })
      .module("d", "test.Delay", { secs: 4 })
      .connect("t.finished", "d.after")
      .build();
    const { runId } = before.engine.startRun(doc);
    await waitUntil(() => before.engine.getRun(runId).status === "suspended", "the run to suspend");
    expect(before.engine.getRun(runId).workflow.modules[1]).toMatchObject({ version: 1 });
    before.close();

    const after = await runtimeWith(dataDir, delayV2);
    expect(await after.engine.waitForRun(runId)).toBe("completed");
    const view = after.engine.getRun(runId);
    after.close();
    expect(view.modules.d).toEqual({ status: "done", outputs: { value: 4 } });
  });

  it("fails a restored job at once when its stored state no longer fits its module's state schema", async () => {
    const job = (state: z.ZodType) =>
      defineModule({
        type: "test.Long",
        version: 1,
        label: "Long",
        description: "Runs until the test ends.",
        inputs: {},
        outputs: { done: port.boolean() },
        params: {},
        job: {
          intervalMs: 100,
          state,
          start: async () => ({ ticket: 7 }),
          handle: () => ({ check: async () => ({ status: "running" }) }),
          setResults: () => ({ done: true }),
        },
      });
    const dataDir = tempDir();
    const before = await runtimeWith(dataDir, job(z.object({ ticket: z.number() })));
    const { runId } = before.engine.startRun(workflow().module("l", "test.Long").build());
    await waitUntil(() => before.engine.getRun(runId).status === "suspended", "the run to suspend");
    before.close();

    const after = await runtimeWith(dataDir, job(z.object({ ticket: z.string() })));
    expect(await after.engine.waitForRun(runId)).toBe("failed");
    const [failed] = after.monitor.list({ runId });
    after.close();
    expect(failed?.state).toBe("failed");
    expect(failed?.message).toMatch(
      /test\.Long: the job state stored does not fit the module's state schema/,
    );
    expect(failed?.failedChecks ?? 0).toBeLessThanOrEqual(1);
  });
});
