import { describe, expect, it } from "vitest";
import { jobProgress } from "../../../../client/jobs/job-progress.js";
import { job } from "./job-fixtures.js";

describe("a job's progress in the monitor", () => {
  const clock = { startedAt: "2026-01-01T12:00:00.000Z", endsAt: "2026-01-01T12:01:40.000Z" };
  const at = (iso: string) => Date.parse(iso);

  it("moves with its clock between checks, from 0 at its start to 1 at its end", () => {
    const timer = job("t", "r1", { progress: 0.01, progressClock: clock });
    expect(jobProgress(timer, at("2026-01-01T12:00:00Z"))).toBe(0);
    expect(jobProgress(timer, at("2026-01-01T12:00:25Z"))).toBeCloseTo(0.25);
    expect(jobProgress(timer, at("2026-01-01T12:01:40Z"))).toBe(1);
    expect(jobProgress(timer, at("2026-01-01T13:00:00Z"))).toBe(1);
  });

  it("is the last check's for a job without a clock, and for a finished one", () => {
    expect(jobProgress(job("c", "r1", { progress: 0.4 }), at("2026-01-01T12:00:25Z"))).toBe(0.4);
    const ended = job("t", "r1", { state: "cancelled", progress: 0.1, progressClock: clock });
    expect(jobProgress(ended, at("2026-01-01T12:00:25Z"))).toBe(0.1);
  });
});
