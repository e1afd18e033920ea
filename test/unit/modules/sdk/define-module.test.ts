import { describe, expect, it, onTestFinished } from "vitest";
import { z } from "zod";
import measure from "../../../../modules/instruments/measure.js";
import setAttribute from "../../../../modules/instruments/set-attribute.js";
import task from "../../../../modules/instruments/task.js";
import timer from "../../../../modules/jobs/timer.js";
import { catalogEntry } from "../../../../modules/sdk/catalog.js";
import { defineModule } from "../../../../modules/sdk/define-module.js";
import { port } from "../../../../modules/sdk/port.js";
import { runCompute, runJob } from "../../../../modules/sdk/testing.js";

const compute = () => ({ value: 1 });
const base = { label: "X", description: "A test module.", inputs: {}, outputs: { value: port.number() } };

describe("defineModule: params strict by construction", () => {
  it("refuses a key the module does not declare (a typo never lets the default run)", () => {
    const parsed = timer.params.safeParse({ secnds: 60 });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues).toEqual([
      expect.objectContaining({ code: "unrecognized_keys", keys: ["secnds"] }),
    ]);
  });

  it("makes a z.object strict and keeps its refinements and description", () => {
    const definition = defineModule({
      ...base,
      type: "test.Refined",
      version: 1,
      params: z
        .object({ low: z.number(), high: z.number() })
        .refine((p) => p.low < p.high, "low must be below high")
        .describe("A range"),
      compute,
    });
    expect(definition.params.safeParse({ low: 1, high: 2, extra: 0 }).success).toBe(false);
    expect(definition.params.safeParse({ low: 2, high: 1 }).error?.issues[0]?.message).toBe(
      "low must be below high",
    );
    expect(definition.params.description).toBe("A range");
  });

  it("refuses params that would accept unknown keys, or that are no object", () => {
    const loose = () =>
      defineModule({ ...base, type: "test.Loose", version: 1, params: z.looseObject({}), compute });
    expect(loose).toThrow(/must not accept unknown keys/);
    const notObject = () =>
      defineModule({
        ...base,
        type: "test.Union",
        version: 1,
        params: z.union([z.object({}), z.object({ a: z.number() })]) as unknown as z.ZodObject,
        compute,
      });
    expect(notObject).toThrow(/a shape or a z.object/);
  });

  it("gives the editor a form schema that names the unknown keys as refused", () => {
    expect(catalogEntry(timer).params).toMatchObject({
      type: "object",
      properties: { seconds: { type: "number", default: 5 } },
      additionalProperties: false,
    });
  });
});

/** A job whose state holds a start time; its handle reads it parsed. */
const stamped = (start: () => Promise<unknown>) =>
  defineModule({
    ...base,
    type: "test.Stamped",
    version: 1,
    params: {},
    job: {
      state: z.object({ at: z.number().int() }),
      start: start as () => Promise<{ at: number }>,
      handle: (state) => ({ check: async () => ({ status: "finished", message: `at ${state.at + 1}` }) }),
      setResults: (state) => ({ value: state.at }),
    },
  });

describe("defineModule: a job's state, declared once", () => {
  it("hands handle, finish and setResults the state parsed, after a restart too", async () => {
    const run = await runJob(
      stamped(async () => ({ at: 41 })),
      {},
      { restartBetween: true },
    );
    onTestFinished(run.cleanup);
    expect(run).toMatchObject({ status: "completed", outputs: { value: 41 }, state: { at: 41 } });
    expect(run.checks).toEqual([{ status: "finished", message: "at 42" }]);
  });

  it("refuses a stored state that does not fit, naming the module and the field", () => {
    const definition = stamped(async () => ({ at: 1 }));
    const rebuild = () => definition.job?.handle({ at: "yesterday" }, { jobId: "j", jobDir: "/nowhere" });
    expect(rebuild).toThrow(
      expect.objectContaining({
        code: "invalid_job_state",
        message: expect.stringMatching(/test\.Stamped: the job state stored does not fit .*at/),
      }),
    );
  });

  it("fails the start of a job whose start returns a state that does not fit", async () => {
    await expect(runJob(stamped(async () => ({ at: 1.5 })))).rejects.toMatchObject({
      code: "invalid_job_state",
      message: expect.stringContaining("the job state start returned does not fit"),
    });
  });

  it("requires a state schema of a job module written without types", () => {
    const untyped = { ...base, type: "test.NoState", version: 1, params: {} } as Record<string, unknown>;
    const job = { start: async () => ({}), handle: () => ({}), setResults: () => ({ value: 1 }) };
    expect(() => defineModule({ ...untyped, job } as never)).toThrow(/job.state must be a zod schema/);
  });
});

describe("defineModule: cache", () => {
  it("declares the instrument modules never cached: each run talks to the device", () => {
    for (const m of [measure, setAttribute, task]) expect(m.cache, m.type).toBe("never");
    expect(timer.cache).toBeUndefined();
  });
});

describe("defineModule: upgrade hooks for params of older module versions", () => {
  const renamed = defineModule({
    ...base,
    type: "test.Renamed",
    version: 3,
    params: { seconds: z.number(), unit: z.enum(["s", "min"]).default("s") },
    upgrade: {
      1: ({ secs, ...rest }) => ({ ...rest, seconds: secs }),
      // version 2 -> 3 changed the outputs only: no entry
    },
    compute: (ctx) => ({ value: ctx.params.seconds }),
  });

  it("brings version-1 params to the current version before they are checked", async () => {
    const run = await runCompute(renamed, { params: { secs: 7 }, version: 1 });
    onTestFinished(run.cleanup);
    expect(run.outputs).toEqual({ value: 7 });
  });

  it("leaves current params alone, and refuses old names in them", async () => {
    const run = await runCompute(renamed, { params: { seconds: 8 } });
    onTestFinished(run.cleanup);
    expect(run.outputs).toEqual({ value: 8 });
    await expect(runCompute(renamed, { params: { secs: 7 } })).rejects.toMatchObject({
      code: "invalid_param",
    });
  });

  it("refuses an upgrade from a version that is not older", () => {
    const wrong = () =>
      defineModule({
        ...base,
        type: "test.Wrong",
        version: 2,
        params: {},
        upgrade: { 2: (p) => p },
        compute,
      });
    expect(wrong).toThrow(/upgrade 2 is not an older version/);
  });
});
