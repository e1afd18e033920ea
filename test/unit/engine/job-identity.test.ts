import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isProcessAlive } from "../../../modules/sdk/process-alive.js";
import { testRuntime } from "../../helpers/runtime.js";
import { tempDir } from "../../helpers/temp-dir.js";
import { type SlowStartGate, slowStartCommandModule } from "../../helpers/test-modules.js";
import { waitUntil } from "../../helpers/wait-until.js";
import { workflow } from "../../helpers/workflow-builder.js";

/** A command that appends a line to `starts.txt` in the workspace each time it really starts. */
const countedCommand = (seconds: number) =>
  workflow("counted")
    .module("c", "jobs.Command", { command: `echo started >> starts.txt; sleep ${seconds}` })
    .module("log", "basic.Log")
    .connect("c.exitCode", "log.value")
    .build();

const startsIn = (workspace: string) => {
  try {
    return readFileSync(join(workspace, "starts.txt"), "utf8").split("\n").filter(Boolean).length;
  } catch {
    return 0;
  }
};

describe("a job is its work", () => {
  it("starts the work once when the same workflow runs twice while its job runs, and both runs complete", async () => {
    const runtime = await testRuntime({ globalInterval: 100 });
    const first = runtime.engine.startRun(countedCommand(1));
    await waitUntil(() => startsIn(runtime.engine.workspace.root) === 1, "the command started");
    const second = runtime.engine.startRun(countedCommand(1));
    expect(await runtime.engine.waitForRun(first.runId)).toBe("completed");
    expect(await runtime.engine.waitForRun(second.runId)).toBe("completed");
    expect(startsIn(runtime.engine.workspace.root)).toBe(1);
    const [a, b] = [first, second].map((r) => runtime.engine.getRun(r.runId).modules.c?.outputs?.exitCode);
    expect([a, b]).toEqual([0, 0]);
    expect(runtime.monitor.list()).toHaveLength(1);
  });

  it("starts the work once when a second run arrives while the first one's start is still in flight", async () => {
    const gate: SlowStartGate = { starts: 0 };
    const runtime = await testRuntime({ globalInterval: 100 });
    const command = runtime.registry.get("jobs.Command")?.job;
    if (!command) throw new Error("jobs.Command is missing");
    runtime.registry.register(slowStartCommandModule(command, gate));
    const doc = workflow()
      .module("s", "test.SlowStartCommand", { command: "echo started >> starts.txt" })
      .build();
    const first = runtime.engine.startRun(doc);
    await waitUntil(() => gate.release, "the first start in flight");
    const second = runtime.engine.startRun(doc);
    gate.release?.();
    expect(await runtime.engine.waitForRun(first.runId)).toBe("completed");
    expect(await runtime.engine.waitForRun(second.runId)).toBe("completed");
    expect(gate.starts).toBe(1);
    expect(startsIn(runtime.engine.workspace.root)).toBe(1);
  });

  it("reuses a completed job like the cache: an unchanged re-run starts nothing", async () => {
    const runtime = await testRuntime({ globalInterval: 100 });
    const first = runtime.engine.startRun(countedCommand(0));
    expect(await runtime.engine.waitForRun(first.runId)).toBe("completed");
    const again = runtime.engine.startRun(countedCommand(0));
    expect(await runtime.engine.waitForRun(again.runId)).toBe("completed");
    expect(runtime.engine.getRun(again.runId).modules.c?.status).toBe("cached");
    expect(startsIn(runtime.engine.workspace.root)).toBe(1);
  });

  it("starts the work afresh when a person asks for a rerun, and records why", async () => {
    const runtime = await testRuntime({ globalInterval: 100 });
    const first = runtime.engine.startRun(countedCommand(0));
    expect(await runtime.engine.waitForRun(first.runId)).toBe("completed");
    const fresh = runtime.engine.startRun(countedCommand(0), {
      rerun: { modules: ["c"], reason: "the sample was replaced" },
    });
    expect(await runtime.engine.waitForRun(fresh.runId)).toBe("completed");
    expect(startsIn(runtime.engine.workspace.root)).toBe(2);
    expect(runtime.engine.getRun(fresh.runId).modules.log?.status).toBe("done");
    const log = runtime.store.runLog(fresh.runId).map((e) => e.message);
    expect(log.some((m) => m.includes("the sample was replaced"))).toBe(true);
  });

  it("refuses a rerun of a module the workflow does not have, naming it", async () => {
    const runtime = await testRuntime();
    expect(() =>
      runtime.engine.startRun(countedCommand(0), { rerun: { modules: ["nope"], reason: "x" } }),
    ).toThrow(/rerun: no module "nope"/);
  });

  it("tries the work again in a new job when the earlier job of the same work failed", async () => {
    const runtime = await testRuntime({ globalInterval: 100 });
    const failing = workflow()
      .module("c", "jobs.Command", { command: "echo started >> starts.txt; exit 3" })
      .build();
    const first = runtime.engine.startRun(failing);
    expect(await runtime.engine.waitForRun(first.runId)).toBe("failed");
    const second = runtime.engine.startRun(failing);
    expect(await runtime.engine.waitForRun(second.runId)).toBe("failed");
    expect(startsIn(runtime.engine.workspace.root)).toBe(2);
    const ids = runtime.monitor.list().map((j) => j.id);
    expect(new Set(ids).size).toBe(2);
  });

  it("lets go of a job another run follows when one run is cancelled: the work goes on for the other", async () => {
    const runtime = await testRuntime({ globalInterval: 100 });
    const first = runtime.engine.startRun(countedCommand(1));
    await waitUntil(() => startsIn(runtime.engine.workspace.root) === 1, "the command started");
    const second = runtime.engine.startRun(countedCommand(1));
    await waitUntil(
      () => runtime.engine.getRun(second.runId).modules.c?.status === "suspended",
      "both follow",
    );
    await runtime.engine.cancelRun(first.runId);
    expect(await runtime.engine.waitForRun(first.runId)).toBe("cancelled");
    expect(await runtime.engine.waitForRun(second.runId)).toBe("completed");
    expect(startsIn(runtime.engine.workspace.root)).toBe(1);
  });

  it("cancels the work for every run that follows it when a person cancels the job", async () => {
    const runtime = await testRuntime({ globalInterval: 100 });
    const first = runtime.engine.startRun(countedCommand(30));
    await waitUntil(() => startsIn(runtime.engine.workspace.root) === 1, "the command started");
    const second = runtime.engine.startRun(countedCommand(30));
    await waitUntil(
      () => runtime.engine.getRun(second.runId).modules.c?.status === "suspended",
      "both follow",
    );
    const [job] = runtime.monitor.list();
    if (!job) throw new Error("no job");
    await runtime.monitor.cancelJob(job.id);
    expect(await runtime.engine.waitForRun(first.runId)).toBe("cancelled");
    expect(await runtime.engine.waitForRun(second.runId)).toBe("cancelled");
  });
});

describe("cancel while a job starts", () => {
  async function slowStartRuntime() {
    const gate: SlowStartGate = { starts: 0 };
    const runtime = await testRuntime({ globalInterval: 100 });
    const command = runtime.registry.get("jobs.Command")?.job;
    if (!command) throw new Error("jobs.Command is missing");
    runtime.registry.register(slowStartCommandModule(command, gate));
    const { runId } = runtime.engine.startRun(
      workflow().module("s", "test.SlowStartCommand", { command: "sleep 60" }).build(),
    );
    await waitUntil(() => gate.release, "the start in flight");
    return { runtime, gate, runId };
  }

  const pidOf = (params: unknown) => (params as { pid: number }).pid;

  it("stops the work once the start returns when the run was cancelled meanwhile", async () => {
    const { runtime, gate, runId } = await slowStartRuntime();
    const cancelled = runtime.engine.cancelRun(runId);
    gate.release?.();
    await cancelled;
    expect(await runtime.engine.waitForRun(runId)).toBe("cancelled");
    const [job] = runtime.monitor.list({ runId });
    expect(job?.state).toBe("cancelled");
    await waitUntil(() => !isProcessAlive(pidOf(job?.params)), "the command stopped", 10_000);
  });

  it("stops the work once the start returns when the job was cancelled meanwhile", async () => {
    const { runtime, gate, runId } = await slowStartRuntime();
    const [starting] = runtime.monitor.list({ runId });
    if (!starting) throw new Error("no job");
    expect(starting.state).toBe("starting");
    const answer = await runtime.monitor.cancelJob(starting.id);
    expect(answer.job.state).toBe("cancelling");
    gate.release?.();
    expect(await runtime.engine.waitForRun(runId)).toBe("cancelled");
    const job = runtime.monitor.get(starting.id);
    expect(job.state).toBe("cancelled");
    await waitUntil(() => !isProcessAlive(pidOf(job.params)), "the command stopped", 10_000);
  });
});

describe("resume and check-now", () => {
  it("changes nothing when a cancelled run is resumed while one of its jobs is still starting", async () => {
    const gate: SlowStartGate = { starts: 0 };
    const runtime = await testRuntime({ globalInterval: 100 });
    const command = runtime.registry.get("jobs.Command")?.job;
    if (!command) throw new Error("jobs.Command is missing");
    runtime.registry.register(slowStartCommandModule(command, gate));
    const { runId } = runtime.engine.startRun(
      workflow()
        .module("t", "jobs.Timer", { seconds: 0.1 })
        .module("log", "basic.Log")
        .connect("t.finished", "log.value")
        .module("s", "test.SlowStartCommand", { command: "sleep 60" })
        .build(),
      { autoResume: false },
    );
    await waitUntil(
      () =>
        gate.release &&
        runtime.monitor.list({ runId }).some((j) => j.moduleId === "t" && j.state === "completed"),
      "the timer done and waiting for a person while the command starts",
    );
    await runtime.engine.cancelRun(runId);
    // The run is not over (its command is still starting), so resume reaches the execution.
    expect(runtime.engine.resumeRun(runId)).toEqual({ resumedJobs: 0 });
    gate.release?.();
    expect(await runtime.engine.waitForRun(runId)).toBe("cancelled");
    runtime.store.flush();
    const states = Object.fromEntries(runtime.store.modules(runId).map((m) => [m.moduleId, m.status]));
    expect(states).toEqual({ t: "cancelled", log: "cancelled", s: "cancelled" });
  });

  it("answers check-now of a job this process does not follow with its fresh state, and keeps it", async () => {
    const dataDir = tempDir();
    const owner = await testRuntime({ dataDir, globalInterval: "off" });
    const { runId } = owner.engine.startRun(workflow().module("t", "jobs.Timer", { seconds: 0.2 }).build());
    const job = await waitUntil(
      () => owner.monitor.list({ runId, states: ["running"] })[0],
      "the job running",
    );
    owner.close();
    // A CLI command beside no server: nothing restored, nothing followed.
    const cli = await testRuntime({ dataDir, restore: false });
    await waitUntil(() => Date.now() > Date.parse(job.startedAt ?? "") + 300, "the timer's end");
    const checked = await cli.monitor.checkNow(job.id);
    expect(checked.state).toBe("completed");
    cli.store.flush();
    expect(cli.store.getJob(job.id)?.state).toBe("completed");
  });
});

describe("outputs that cannot be stored", () => {
  it("fails the module naming module and port instead of hanging the run", async () => {
    const runtime = await testRuntime();
    const deep = `${"[".repeat(50_000)}${"]".repeat(50_000)}`;
    writeFileSync(join(runtime.engine.workspace.root, "deep.json"), deep);
    const { runId } = runtime.engine.startRun(
      workflow().module("read", "basic.ReadFile", { path: "deep.json", as: "json" }).build(),
    );
    expect(await runtime.engine.waitForRun(runId)).toBe("failed");
    const read = runtime.engine.getRun(runId).modules.read;
    expect(read?.error?.code).toBe("output_not_storable");
    expect(read?.error?.port).toBeDefined();
    expect(read?.error?.message).toMatch(
      /output "\w+" of module read cannot be stored: it is nested deeper than/,
    );
  });
});
