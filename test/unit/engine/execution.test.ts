import { describe, expect, it } from "vitest";
import { testRuntime } from "../../helpers/runtime.js";
import { workflow } from "../../helpers/workflow-builder.js";

/** a -> b -> c, and an independent d -> e. */
const chainAndBranch = () =>
  workflow("chain")
    .module("a", "test.Number", { value: 1 })
    .module("b", "test.Inc")
    .module("c", "test.Inc")
    .module("d", "test.Number", { value: 10 })
    .module("e", "test.Inc")
    .connect("a.value", "b.x")
    .connect("b.y", "c.x")
    .connect("d.value", "e.x");

describe("execution", () => {
  it("runs a workflow to completed with every output", async () => {
    const { engine } = await testRuntime();
    const { runId } = engine.startRun(chainAndBranch().build());
    expect(await engine.waitForRun(runId)).toBe("completed");
    const view = engine.getRun(runId);
    expect(view.modules.c).toEqual({ status: "done", outputs: { y: 3 } });
    expect(view.modules.e).toEqual({ status: "done", outputs: { y: 11 } });
  });

  it("reports every module cached on an unchanged re-run, executing nothing", async () => {
    const { engine, log } = await testRuntime();
    await engine.waitForRun(engine.startRun(chainAndBranch().build()).runId);
    expect(log.count()).toBe(5);
    const again = engine.startRun(chainAndBranch().build()).runId;
    expect(await engine.waitForRun(again)).toBe("completed");
    expect(log.count()).toBe(5);
    const statuses = Object.values(engine.getRun(again).modules).map((m) => m.status);
    expect(statuses).toEqual(["cached", "cached", "cached", "cached", "cached"]);
    expect(engine.getRun(again).modules.c?.outputs).toEqual({ y: 3 });
  });

  it("shows an unchanged re-run's outputs in a view taken as it starts, and to listeners", async () => {
    const { engine } = await testRuntime();
    await engine.waitForRun(engine.startRun(chainAndBranch().build()).runId);
    const again = engine.startRun(chainAndBranch().build()).runId;
    expect(engine.getRun(again).modules.c).toEqual({ status: "cached", outputs: { y: 3 } });
    const heard: unknown[] = [];
    const stop = engine.events.on((event) => {
      if (event.type === "module" && event.moduleId === "e") heard.push(event.outputs);
    });
    await engine.waitForRun(engine.startRun(chainAndBranch().build()).runId);
    stop();
    expect(heard).toEqual([{ y: 11 }]);
  });

  it("re-runs exactly the changed module and its downstream after a param change", async () => {
    const { engine, log } = await testRuntime();
    await engine.waitForRun(engine.startRun(chainAndBranch().build()).runId);
    log.calls.length = 0;
    const changed = chainAndBranch().param("b", "step", 5).build();
    const runId = engine.startRun(changed).runId;
    expect(await engine.waitForRun(runId)).toBe("completed");
    expect(log.calls.sort()).toEqual(["b", "c"]);
    const view = engine.getRun(runId);
    expect(view.modules.a?.status).toBe("cached");
    expect(view.modules.c).toEqual({ status: "done", outputs: { y: 7 } });
  });

  it("keeps the cache across a restart of the engine", async () => {
    const first = await testRuntime();
    await first.engine.waitForRun(first.engine.startRun(chainAndBranch().build()).runId);
    first.close();
    const second = await testRuntime({ dataDir: first.dataDir });
    const runId = second.engine.startRun(chainAndBranch().build()).runId;
    expect(await second.engine.waitForRun(runId)).toBe("completed");
    expect(second.log.count()).toBe(0);
  });

  it("shows an unchanged re-run's modules cached, with outputs, after a restart", async () => {
    const first = await testRuntime();
    await first.engine.waitForRun(first.engine.startRun(chainAndBranch().build()).runId);
    const again = first.engine.startRun(chainAndBranch().build()).runId;
    await first.engine.waitForRun(again);
    first.close();
    const second = await testRuntime({ dataDir: first.dataDir });
    const view = second.engine.getRun(again);
    expect(Object.values(view.modules).map((m) => m.status)).toEqual(Array(5).fill("cached"));
    expect(view.modules.c).toEqual({ status: "cached", outputs: { y: 3 } });
  });

  it("keeps an unchanged re-run whole when the run that computed its results is deleted", async () => {
    const { engine, store } = await testRuntime();
    const computed = engine.startRun(chainAndBranch().build()).runId;
    await engine.waitForRun(computed);
    const again = engine.startRun(chainAndBranch().build()).runId;
    await engine.waitForRun(again);
    store.deleteRun(computed);
    expect(engine.getRun(again).modules.e).toEqual({ status: "cached", outputs: { y: 11 } });
    const third = engine.startRun(chainAndBranch().build()).runId;
    expect(await engine.waitForRun(third)).toBe("completed");
    expect(engine.getRun(third).modules.c).toEqual({ status: "cached", outputs: { y: 3 } });
  });

  it("marks the downstream of a failure skipped, finishes other branches, and fails the run", async () => {
    const { engine } = await testRuntime();
    const doc = workflow()
      .module("bad", "test.Fail", { message: "sensor unplugged" })
      .module("after", "test.Inc")
      .module("later", "test.Inc")
      .module("ok", "test.Number", { value: 4 })
      .module("ok2", "test.Inc")
      .connect("bad.y", "after.x")
      .connect("after.y", "later.x")
      .connect("ok.value", "ok2.x")
      .build();
    const runId = engine.startRun(doc).runId;
    expect(await engine.waitForRun(runId)).toBe("failed");
    const view = engine.getRun(runId);
    expect(view.modules.bad?.status).toBe("failed");
    expect(view.modules.bad?.error).toMatchObject({ code: "module_threw", message: "sensor unplugged" });
    expect(view.modules.bad?.error?.stack).toContain("sensor unplugged");
    expect(view.modules.after?.status).toBe("skipped");
    expect(view.modules.later?.status).toBe("skipped");
    expect(view.modules.ok2).toEqual({ status: "done", outputs: { y: 5 } });
    expect(view.message).toContain("bad");
  });

  it("keeps the failure in the stored run record", async () => {
    const runtime = await testRuntime();
    const runId = runtime.engine.startRun(
      workflow().module("bad", "test.Fail", { message: "nope" }).build(),
    ).runId;
    await runtime.engine.waitForRun(runId);
    runtime.close();
    const reopened = await testRuntime({ dataDir: runtime.dataDir });
    const view = reopened.engine.getRun(runId);
    expect(view.status).toBe("failed");
    expect(view.modules.bad?.error?.message).toBe("nope");
    expect(view.modules.bad?.error?.stack).toBeTruthy();
  });

  it("runs independent branches concurrently, within the bound", async () => {
    let release!: () => void;
    const gate = { inFlight: 0, maxInFlight: 0, release: new Promise<void>((r) => (release = r)) };
    const { engine } = await testRuntime({ gate, maxConcurrency: 3 });
    const doc = workflow();
    for (let i = 0; i < 6; i++) doc.module(`g${i}`, "test.Gate", { value: i });
    const runId = engine.startRun(doc.build()).runId;
    await expect.poll(() => gate.inFlight).toBe(3);
    release();
    expect(await engine.waitForRun(runId)).toBe("completed");
    expect(gate.maxInFlight).toBe(3);
  });

  it("cancels a run: running modules see the abort, pending ones never start", async () => {
    const gate = { inFlight: 0, maxInFlight: 0, release: new Promise<void>(() => {}) };
    const { engine, log } = await testRuntime({ gate });
    const doc = workflow()
      .module("slow", "test.Gate")
      .module("next", "test.Inc")
      .connect("slow.value", "next.x")
      .build();
    const runId = engine.startRun(doc).runId;
    await expect.poll(() => gate.inFlight).toBe(1);
    await engine.cancelRun(runId);
    expect(await engine.waitForRun(runId)).toBe("cancelled");
    expect(engine.getRun(runId).modules).toMatchObject({
      slow: { status: "cancelled" },
      next: { status: "cancelled" },
    });
    expect(log.count("next")).toBe(0);
  });

  it("passes a value of an `any` output to a typed input only when it fits", async () => {
    const { engine } = await testRuntime();
    const doc = workflow()
      .module("c", "basic.Constant", { value: "text" })
      .module("b", "test.Inc")
      .connect("c.value", "b.x")
      .build();
    const runId = engine.startRun(doc).runId;
    expect(await engine.waitForRun(runId)).toBe("failed");
    expect(engine.getRun(runId).modules.b?.error).toMatchObject({ code: "invalid_input", port: "x" });
  });
});
