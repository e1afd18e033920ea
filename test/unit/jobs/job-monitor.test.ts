import { describe, expect, it } from "vitest";
import { discoverBuiltinModules } from "../../../modules/sdk/registry.js";
import type { JobRecord } from "../../../server/engine/records.js";
import { openRuntime } from "../../../server/labflow-runtime.js";
import { testRuntime } from "../../helpers/runtime.js";
import { tempDir } from "../../helpers/temp-dir.js";
import { type FlakyProbe, flakyModule } from "../../helpers/test-modules.js";
import { waitUntil } from "../../helpers/wait-until.js";
import { workflow } from "../../helpers/workflow-builder.js";

async function flakyRuntime(probe: FlakyProbe) {
  const registry = await discoverBuiltinModules();
  registry.register(flakyModule(probe));
  const runtime = await openRuntime({ dataDir: tempDir(), registry });
  const { runId } = runtime.engine.startRun(workflow().module("f", "test.Flaky").build());
  const job = await waitUntil(() => runtime.monitor.list({ runId })[0], "the job");
  return { runtime, runId, jobId: job.id };
}

describe("the job monitor", () => {
  it("backs off exponentially on failing checks and keeps the job running while they are transient", async () => {
    const probe: FlakyProbe = { checks: [], healAfter: 3 };
    const { runtime, jobId } = await flakyRuntime(probe);
    // The wait the monitor set after each check, as it tells it (not measured: a loaded machine
    // stretches real gaps, never the schedule).
    const waits: { failedChecks: number; waitMs: number }[] = [];
    const stop = runtime.engine.events.on((event) => {
      if (event.type !== "job" || event.job.id !== jobId || !event.job.nextCheckAt) return;
      const checkedAt = Date.parse(event.job.lastCheckedAt ?? "");
      waits.push({
        failedChecks: event.job.failedChecks,
        waitMs: Date.parse(event.job.nextCheckAt) - checkedAt,
      });
    });
    try {
      await waitUntil(() => probe.checks.length >= 5, "five checks");
      stop();
      // 100 ms interval: after failures 1, 2, 3 the waits are 200, 400, 800 ms; then back to 100.
      // (A wait is told from the check's time, a few ms before the schedule is set: hence the slack.)
      const expected = [200, 400, 800, 100];
      expect(waits.slice(0, 4).map((w) => w.failedChecks)).toEqual([1, 2, 3, 0]);
      for (const [i, want] of expected.entries()) {
        expect(waits[i]?.waitMs).toBeGreaterThanOrEqual(want);
        expect(waits[i]?.waitMs).toBeLessThan(want + 100);
      }
      const job = runtime.monitor.get(jobId);
      expect(job.state).toBe("running");
      expect(job.failedChecks).toBe(0);
    } finally {
      runtime.close();
    }
  });

  it("fails a job after repeated check errors, with the last error in its message", async () => {
    const probe: FlakyProbe = { checks: [], healAfter: 1_000 };
    const { runtime, runId, jobId } = await flakyRuntime(probe);
    try {
      expect(await runtime.engine.waitForRun(runId)).toBe("failed");
      const job = runtime.monitor.get(jobId);
      expect(job.state).toBe("failed");
      expect(job.message).toMatch(/5 checks in a row failed; last: connection refused \(5\)/);
      expect(runtime.engine.getRun(runId).modules.f?.error?.message).toBe(job.message);
    } finally {
      runtime.close();
    }
  });

  it("stops checking a paused job while others go on, and checks it again on resume", async () => {
    const runtime = await testRuntime({ globalInterval: 100 });
    // Jobs waiting for files that never come: checked at every interval (a timer would not be).
    const doc = workflow()
      .module("a", "test.Suspend", { flag: "/nonexistent/a" })
      .module("b", "test.Suspend", { flag: "/nonexistent/b" })
      .build();
    const { runId } = runtime.engine.startRun(doc);
    const [a, b] = await waitUntil(() => {
      const jobs = runtime.monitor.list({ runId });
      return jobs.length === 2 && jobs.every((j) => j.lastCheckedAt) ? jobs : undefined;
    }, "both jobs checked");
    const paused = runtime.monitor.pause((a as JobRecord).id);
    expect(paused.paused).toBe(true);
    const pausedAt = runtime.monitor.get(paused.id).lastCheckedAt;
    const otherBefore = runtime.monitor.get((b as JobRecord).id).lastCheckedAt;
    // Three more checks of the other job prove time passed with the monitor running.
    await waitUntil(() => {
      const later = runtime.monitor.get((b as JobRecord).id).lastCheckedAt ?? "";
      return Date.parse(later) - Date.parse(otherBefore ?? "") >= 300;
    }, "the other job to be checked on");
    expect(runtime.monitor.get(paused.id).lastCheckedAt).toBe(pausedAt);
    runtime.monitor.resume(paused.id);
    await waitUntil(() => runtime.monitor.get(paused.id).lastCheckedAt !== pausedAt, "checks to resume");
  });

  it("checks a paused job on request", async () => {
    const runtime = await testRuntime({ globalInterval: "off" });
    const { runId } = runtime.engine.startRun(workflow().module("t", "jobs.Timer", { seconds: 60 }).build());
    const job = await waitUntil(() => runtime.monitor.list({ runId })[0], "the job");
    expect(job.lastCheckedAt).toBeUndefined();
    runtime.monitor.pause(job.id);
    const checked = await runtime.monitor.checkNow(job.id);
    expect(checked.lastCheckedAt).toBeDefined();
    expect(checked.progress).toBeGreaterThanOrEqual(0);
  });

  it("shows a waiting timer's progress moving with time, without checking it before its end", async () => {
    const runtime = await testRuntime({ globalInterval: 100 });
    try {
      const { runId } = runtime.engine.startRun(
        workflow().module("t", "jobs.Timer", { seconds: 60 }).build(),
      );
      const first = await waitUntil(() => {
        const [job] = runtime.monitor.list({ runId });
        return job?.lastCheckedAt ? job : undefined;
      }, "the timer's first check");
      const clock = first.progressClock as { startedAt: number; endsAt: number };
      expect(clock.endsAt - clock.startedAt).toBe(60_000);
      // Its next check is its end, not the next percent or the 100 ms interval.
      expect(Date.parse(first.nextCheckAt ?? "")).toBeGreaterThanOrEqual(clock.endsAt - 20);
      const moved = await waitUntil(() => {
        const job = runtime.monitor.get(first.id);
        return (job.progress ?? 0) > (first.progress ?? 0) ? job : undefined;
      }, "the timer's progress to move");
      expect(moved.lastCheckedAt).toBe(first.lastCheckedAt);
    } finally {
      runtime.close();
    }
  });

  it("gives a waiting timer's module its progress clock, again after a restart of the server", async () => {
    const dataDir = tempDir();
    const doc = workflow().module("t", "jobs.Timer", { seconds: 600 }).build();
    const first = await testRuntime({ dataDir, globalInterval: 100 });
    const { runId } = first.engine.startRun(doc);
    const clock = await waitUntil(
      () => first.engine.getRun(runId).modules.t?.progressClock,
      "the module's progress clock",
    );
    expect(clock.endsAt - clock.startedAt).toBe(600_000);
    first.close();
    const second = await testRuntime({ dataDir, globalInterval: 100 });
    try {
      const again = await waitUntil(
        () => second.engine.getRun(runId).modules.t?.progressClock,
        "the module's progress clock after the restart",
      );
      // The same timer: its clock did not restart with the server.
      expect(again).toEqual(clock);
      expect(second.engine.getRun(runId).modules.t?.status).toBe("suspended");
    } finally {
      second.close();
    }
  });

  it("ends a timer at its deadline, checked then, and shows it completed at 100 %", async () => {
    const runtime = await testRuntime({ globalInterval: 10_000 });
    try {
      const { runId } = runtime.engine.startRun(
        workflow().module("t", "jobs.Timer", { seconds: 0.5 }).build(),
      );
      expect(await runtime.engine.waitForRun(runId)).toBe("completed");
      const [job] = runtime.monitor.list({ runId }) as [JobRecord];
      // Checked at its end, not at the next 10 s interval: it ends within one check of its deadline.
      expect(Date.parse(job.finishedAt ?? "") - Date.parse(job.startedAt ?? "")).toBeLessThan(10_000);
      expect(job.progress).toBe(1);
      expect(job.progressClock).toBeUndefined();
    } finally {
      runtime.close();
    }
  });

  it("says cancelling a finished job changes nothing", async () => {
    const runtime = await testRuntime({ globalInterval: 100 });
    const { runId } = runtime.engine.startRun(workflow().module("t", "jobs.Timer", { seconds: 0 }).build());
    expect(await runtime.engine.waitForRun(runId)).toBe("completed");
    const [job] = runtime.monitor.list({ runId });
    const result = await runtime.monitor.cancelJob((job as JobRecord).id);
    expect(result.message).toMatch(/already completed/);
    expect(result.job.state).toBe("completed");
  });

  it("fails, never completes, a job whose handle cannot be rebuilt", async () => {
    const dataDir = tempDir();
    const first = await testRuntime({ dataDir, globalInterval: 100 });
    const { runId } = first.engine.startRun(
      workflow().module("s", "test.Suspend", { flag: "/nonexistent/flag" }).build(),
    );
    await waitUntil(() => first.engine.getRun(runId).status === "suspended", "the run to suspend");
    const [job] = first.monitor.list({ runId });
    first.store.updateJob((job as JobRecord).id, { kind: "test.removed-kind" });
    first.close();
    const second = await testRuntime({ dataDir, globalInterval: 100 });
    expect(await second.engine.waitForRun(runId)).toBe("failed");
    const failed = second.monitor.get((job as JobRecord).id);
    expect(failed.state).toBe("failed");
    expect(failed.message).toMatch(/cannot be rebuilt.*test\.removed-kind/);
  });

  it("keeps a run waiting after its job finished when auto-resume is off, until resumed", async () => {
    const runtime = await testRuntime({ globalInterval: 100 });
    const doc = workflow()
      .module("t", "jobs.Timer", { seconds: 0.1 })
      .module("l", "basic.Log")
      .connect("t.finished", "l.value")
      .build();
    const { runId } = runtime.engine.startRun(doc, { autoResume: false });
    await waitUntil(() => runtime.monitor.list({ runId })[0]?.state === "completed", "the job to complete");
    const waiting = runtime.engine.getRun(runId);
    expect(waiting.status).toBe("suspended");
    expect(waiting.modules.l?.status).toBe("pending");
    expect(runtime.engine.resumeRun(runId).resumedJobs).toBe(1);
    expect(await runtime.engine.waitForRun(runId)).toBe("completed");
  });

  it("follows two identical job modules of one run as one job (a job is its work), and both complete", async () => {
    const runtime = await testRuntime({ globalInterval: 100 });
    const doc = workflow()
      .module("a", "jobs.Timer", { seconds: 0.2 })
      .module("b", "jobs.Timer", { seconds: 0.2 })
      .build();
    const { runId } = runtime.engine.startRun(doc);
    expect(await runtime.engine.waitForRun(runId)).toBe("completed");
    expect(runtime.monitor.list({ runId })).toHaveLength(1);
    const view = runtime.engine.getRun(runId);
    expect([view.modules.a?.status, view.modules.b?.status]).toEqual(["done", "done"]);
  });
});
