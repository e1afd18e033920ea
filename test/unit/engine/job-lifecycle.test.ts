import { describe, expect, it } from "vitest";
import { applyJobEvent } from "../../../server/engine/job-lifecycle.js";
import type { JobRecord } from "../../../server/engine/records.js";

const t0 = Date.parse("2026-12-06T10:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();

/** A 100 s timer, checked once at its start: its progress since then moves with its clock. */
const runningTimer = (): JobRecord => ({
  id: "job-1",
  runId: "run-1",
  moduleId: "t",
  moduleType: "jobs.Timer",
  signature: "s",
  kind: "jobs.Timer",
  params: { startedAt: t0, seconds: 100 },
  state: "running",
  paused: false,
  intervalMs: null,
  submittedAt: iso(t0),
  startedAt: iso(t0),
  lastCheckedAt: iso(t0),
  progress: 0,
  progressClock: { startedAt: t0, endsAt: t0 + 100_000 },
  failedChecks: 0,
});

describe("a job whose progress moves with its clock", () => {
  it("keeps the progress it had when it was cancelled, and drops the clock", () => {
    const cancelling = applyJobEvent(runningTimer(), { type: "cancel_requested", at: iso(t0 + 70_000) }).job;
    const { job } = applyJobEvent(cancelling, { type: "cancel_done", at: iso(t0 + 70_000) });
    expect(job.state).toBe("cancelled");
    expect(job.progress).toBeCloseTo(0.7);
    expect(job.progressClock).toBeUndefined();
  });

  it("keeps the progress it had when its checks failed for good", () => {
    const { job } = applyJobEvent(runningTimer(), {
      type: "check_failed",
      message: "host gone",
      maxFailedChecks: 1,
      fatal: false,
      at: iso(t0 + 25_000),
    });
    expect(job.state).toBe("failed");
    expect(job.progress).toBeCloseTo(0.25);
    expect(job.progressClock).toBeUndefined();
  });
});
