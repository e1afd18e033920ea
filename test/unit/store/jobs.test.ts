import { describe, expect, it } from "vitest";
import type { JobRecord } from "../../../server/engine/records.js";
import { aJob, aRun, storeOnDisk } from "./store-test-records.js";

describe("SqliteStore: jobs", () => {
  it("round-trips a job just recorded: params null, no interval, optional fields absent", () => {
    const { store } = storeOnDisk();
    store.createRun(aRun("r1"), []);
    store.createJob(aJob("j1", "r1"));
    expect(store.getJob("j1")).toStrictEqual(aJob("j1", "r1"));
  });

  it("round-trips every field of a job", () => {
    const { store } = storeOnDisk();
    store.createRun(aRun("r1"), []);
    const job: JobRecord = aJob("j1", "r1", {
      params: { pid: 4242, files: ["a.txt"], nested: { ok: true, none: null } },
      state: "running",
      paused: true,
      intervalMs: 2500,
      startedAt: "2025-01-01T10:00:02.000Z",
      finishedAt: "2025-01-01T10:00:09.000Z",
      lastCheckedAt: "2025-01-01T10:00:05.000Z",
      nextCheckAt: "2025-01-01T10:00:07.500Z",
      progress: 0.25,
      message: "acquiring",
      failedChecks: 2,
    });
    store.createJob(job);
    expect(store.getJob("j1")).toStrictEqual(job);
  });

  it("patches a job; undefined clears an optional field, null intervalMs means the default", () => {
    const { store } = storeOnDisk();
    store.createRun(aRun("r1"), []);
    store.createJob(aJob("j1", "r1", { intervalMs: 1000, nextCheckAt: "2025-01-01T10:00:03.000Z" }));
    store.updateJob("j1", { params: { pid: 7 }, state: "running", startedAt: "2025-01-01T10:00:02.000Z" });
    store.updateJob("j1", { paused: true, intervalMs: null, nextCheckAt: undefined, progress: 0.5 });
    expect(store.getJob("j1")).toStrictEqual(
      aJob("j1", "r1", {
        params: { pid: 7 },
        state: "running",
        startedAt: "2025-01-01T10:00:02.000Z",
        paused: true,
        intervalMs: null,
        progress: 0.5,
      }),
    );
  });

  it("ignores the keys of a job in a patch", () => {
    const { store } = storeOnDisk();
    store.createRun(aRun("r1"), []);
    store.createJob(aJob("j1", "r1"));
    store.updateJob("j1", { id: "other", runId: "r9", state: "queued" } as Partial<JobRecord>);
    expect(store.getJob("j1")).toMatchObject({ id: "j1", runId: "r1", state: "queued" });
  });

  it("lists jobs by run, by states, by both, or all, oldest submission first", () => {
    const { store } = storeOnDisk();
    store.createRun(aRun("r1"), []);
    store.createRun(aRun("r2"), []);
    store.createJob(aJob("late", "r1", { state: "running", submittedAt: "2025-01-01T10:00:09.000Z" }));
    store.createJob(aJob("early", "r1", { state: "completed", submittedAt: "2025-01-01T10:00:01.000Z" }));
    store.createJob(aJob("other", "r2", { state: "running", submittedAt: "2025-01-01T10:00:05.000Z" }));
    const ids = (jobs: JobRecord[]) => jobs.map((j) => j.id);
    expect(ids(store.listJobs())).toEqual(["early", "other", "late"]);
    expect(ids(store.listJobs({ runId: "r1" }))).toEqual(["early", "late"]);
    expect(ids(store.listJobs({ states: ["running", "waiting"] }))).toEqual(["other", "late"]);
    expect(ids(store.listJobs({ runId: "r1", states: ["running"] }))).toEqual(["late"]);
    expect(ids(store.listJobs({ states: [] }))).toEqual([]);
  });

  it("deletes a job", () => {
    const { store } = storeOnDisk();
    store.createRun(aRun("r1"), []);
    store.createJob(aJob("j1", "r1"));
    store.deleteJob("j1");
    expect(store.getJob("j1")).toBeUndefined();
  });
});
