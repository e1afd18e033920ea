import { describe, expect, it } from "vitest";
import type { EngineEvent } from "../../../server/engine/engine-events.js";
import type { JobRecord } from "../../../server/engine/records.js";
import { testRuntime } from "../../helpers/runtime.js";
import { waitUntil } from "../../helpers/wait-until.js";
import { workflow } from "../../helpers/workflow-builder.js";

/** The job events a client of the live events sees, newest last. */
function jobEvents(runtime: Awaited<ReturnType<typeof testRuntime>>, jobId: () => string | undefined) {
  const seen: JobRecord[] = [];
  runtime.engine.events.on((event: EngineEvent) => {
    if (event.type === "job" && event.job.id === jobId()) seen.push(event.job);
  });
  return seen;
}

describe("job events for the Job Monitor", () => {
  it("tell the last check and the next one together, and no next check while paused", async () => {
    const runtime = await testRuntime({ globalInterval: 100 });
    let id: string | undefined;
    const seen = jobEvents(runtime, () => id);
    const { runId } = runtime.engine.startRun(workflow().module("t", "jobs.Timer", { seconds: 60 }).build());
    id = (await waitUntil(() => runtime.monitor.list({ runId })[0], "the job")).id;

    const checked = await waitUntil(
      () => seen.find((j) => j.lastCheckedAt && j.nextCheckAt),
      "an event with both check times",
    );
    expect(Date.parse(checked.nextCheckAt as string)).toBeGreaterThan(
      Date.parse(checked.lastCheckedAt as string),
    );

    runtime.monitor.pause(id);
    expect(seen.at(-1)).toMatchObject({ paused: true, nextCheckAt: undefined });
    // The live last-checked time, not an older stored one.
    expect(seen.at(-1)?.lastCheckedAt).toBeDefined();

    runtime.monitor.resume(id);
    expect(seen.at(-1)?.paused).toBe(false);
    expect(seen.at(-1)?.nextCheckAt).toEqual(expect.any(String));

    runtime.monitor.setJobInterval(id, 5_000);
    const next = Date.parse(seen.at(-1)?.nextCheckAt as string);
    expect(next - Date.now()).toBeGreaterThan(4_000);
  });

  it("tell every followed job its new next check when the global interval changes", async () => {
    const runtime = await testRuntime({ globalInterval: 100 });
    let id: string | undefined;
    const seen = jobEvents(runtime, () => id);
    const { runId } = runtime.engine.startRun(workflow().module("t", "jobs.Timer", { seconds: 60 }).build());
    // Followed once its start returned (the job is running).
    id = (await waitUntil(() => runtime.monitor.list({ runId, states: ["running"] })[0], "the job running"))
      .id;
    runtime.monitor.setGlobalInterval("off");
    expect(seen.at(-1)?.nextCheckAt).toBeUndefined();
    runtime.monitor.setGlobalInterval(60_000);
    expect(Date.parse(seen.at(-1)?.nextCheckAt as string) - Date.now()).toBeGreaterThan(50_000);
  });

  it("tell that a job was deleted, after its cancel", async () => {
    const runtime = await testRuntime({ globalInterval: 100 });
    const events: EngineEvent[] = [];
    runtime.engine.events.on((event) => events.push(event));
    const { runId } = runtime.engine.startRun(workflow().module("t", "jobs.Timer", { seconds: 60 }).build());
    const { id } = await waitUntil(() => runtime.monitor.list({ runId })[0], "the job");
    await runtime.monitor.delete(id);
    const cancelledAt = events.findIndex(
      (e) => e.type === "job" && e.job.id === id && e.job.state === "cancelled",
    );
    const deletedAt = events.findIndex((e) => e.type === "job.deleted" && e.jobId === id);
    expect(cancelledAt).toBeGreaterThanOrEqual(0);
    expect(deletedAt).toBeGreaterThan(cancelledAt);
    expect(events[deletedAt]).toEqual({ type: "job.deleted", runId, jobId: id });
  });
});
