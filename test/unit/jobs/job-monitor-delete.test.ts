import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineModule } from "../../../modules/sdk/define-module.js";
import { port } from "../../../modules/sdk/port.js";
import { discoverBuiltinModules } from "../../../modules/sdk/registry.js";
import type { EngineEvent } from "../../../server/engine/engine-events.js";
import { type LabflowRuntime, openRuntime } from "../../../server/labflow-runtime.js";
import { ERRORS } from "../../../server/schema/errors.js";
import { tempDir } from "../../helpers/temp-dir.js";
import { waitUntil } from "../../helpers/wait-until.js";
import { workflow } from "../../helpers/workflow-builder.js";

interface Held<T> {
  resolve(value: T): void;
  reject(error: Error): void;
}

/** Lets a test hold each check and each cancel of a `test.Held` job and answer them when it wants. */
interface HeldProbe {
  checks: Held<{ status: "running" }>[];
  cancels: Held<void>[];
}

/** A job whose checks and cancels wait for the test: to race Delete against them. */
function heldModule(probe: HeldProbe, intervalMs: number) {
  const hold = <T>(list: Held<T>[]) =>
    new Promise<T>((resolve, reject) => {
      list.push({ resolve, reject });
    });
  return defineModule({
    type: "test.Held",
    version: 1,
    label: "Held",
    description: "A job whose checks and cancels answer only when the test says so.",
    inputs: {},
    outputs: { done: port.boolean() },
    params: z.object({}),
    job: {
      intervalMs,
      state: z.object({}),
      start: async () => ({}),
      handle: () => ({ check: () => hold(probe.checks), cancel: () => hold(probe.cancels) }),
      setResults: () => ({ done: true }),
    },
  });
}

let runtime: LabflowRuntime | undefined;
afterEach(() => {
  runtime?.close();
  runtime = undefined;
});

/** A runtime running one `test.Held` job, its first check answered; and every event from now on. */
async function heldJob(intervalMs: number) {
  const probe: HeldProbe = { checks: [], cancels: [] };
  const registry = await discoverBuiltinModules();
  registry.register(heldModule(probe, intervalMs));
  const rt = await openRuntime({ dataDir: tempDir(), registry });
  runtime = rt;
  const { runId } = rt.engine.startRun(workflow().module("h", "test.Held").build());
  const first = await waitUntil(() => probe.checks[0], "the first check");
  probe.checks.splice(0);
  first.resolve({ status: "running" });
  const job = await waitUntil(
    () => rt.monitor.list({ runId }).find((j) => j.lastCheckedAt !== undefined),
    "the job checked once",
  );
  const events: EngineEvent[] = [];
  rt.engine.events.on((event) => events.push(event));
  return { rt, probe, job, events };
}

/** The `job` events about a job told after it was deleted. */
const eventsAfterDelete = (events: EngineEvent[], jobId: string) =>
  events
    .slice(events.findIndex((e) => e.type === "job.deleted" && e.jobId === jobId) + 1)
    .filter((e) => e.type === "job" && e.job.id === jobId);

describe("deleting a job while its check or cancel is in flight", () => {
  it("answers Check-now with not found, and tells nothing more, when the job was deleted during the check", async () => {
    const { rt, probe, job, events } = await heldJob(60_000);
    const checking = rt.monitor.checkNow(job.id);
    const check = await waitUntil(() => probe.checks[0], "the check-now in flight");
    const deleting = rt.monitor.delete(job.id);
    (await waitUntil(() => probe.cancels[0], "Delete's cancel")).resolve();
    await deleting;
    check.resolve({ status: "running" });
    await expect(checking).rejects.toMatchObject({ code: "job_not_found" });
    expect(rt.store.getJob(job.id)).toBeUndefined();
    expect(events.some((e) => e.type === "job.deleted")).toBe(true);
    expect(eventsAfterDelete(events, job.id)).toEqual([]);
  });

  it("settles a job cancelled twice at once (check loop's retry and Delete) once, and never after its deletion", async () => {
    const { rt, probe, job, events } = await heldJob(50);
    // A first cancel fails: the job stays `cancelling` and the check loop retries the cancel.
    const first = rt.monitor.cancelJob(job.id);
    (await waitUntil(() => probe.cancels[0], "the first cancel")).reject(new Error("link down"));
    expect((await first).job.state).toBe("cancelling");
    // Checks in flight answer (outdated: the job is cancelling), so that the loop's next turn retries.
    const retry = await waitUntil(() => {
      for (const check of probe.checks.splice(0)) check.resolve({ status: "running" });
      return probe.cancels[1];
    }, "the check loop's retry of the cancel");
    const deleting = rt.monitor.delete(job.id);
    (await waitUntil(() => probe.cancels[2], "Delete's cancel")).resolve();
    await deleting;
    retry.resolve();
    // The retry ends within a few turns; its (absent) event would come before the next check of nothing.
    await waitUntil(() => rt.monitor.trackedCount === 0, "the job no longer followed");
    await new Promise((resolve) => setImmediate(resolve));
    const cancelled = events.filter((e) => e.type === "job" && e.job.state === "cancelled");
    expect(cancelled).toHaveLength(1);
    expect(eventsAfterDelete(events, job.id)).toEqual([]);
    expect(rt.store.getJob(job.id)).toBeUndefined();
  });
});

describe("deleting an active job whose cancel fails", () => {
  it("refuses with cancel_failed (409) naming the job and the reason, and keeps the job", async () => {
    const { rt, probe, job, events } = await heldJob(60_000);
    const deleting = rt.monitor.delete(job.id);
    (await waitUntil(() => probe.cancels[0], "Delete's cancel")).reject(new Error("qdel: permission denied"));
    const error = await deleting.then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string },
    );
    expect(error?.code).toBe("cancel_failed");
    expect(error?.message).toContain(job.id);
    expect(error?.message).toContain("qdel: permission denied");
    expect(ERRORS.cancel_failed.status).toBe(409);
    expect(rt.store.getJob(job.id)?.state).toBe("cancelling");
    expect(rt.monitor.trackedCount).toBe(1);
    expect(events.some((e) => e.type === "job.deleted")).toBe(false);
  });
});
