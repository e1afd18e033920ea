import { describe, expect, it } from "vitest";
import { aJob, aRun, modulesOf, signatureOf, storeOnDisk } from "./store-test-records.js";

describe("SqliteStore: runs", () => {
  it("round-trips a run, its document and options exactly, with absent optional fields absent", () => {
    const { store } = storeOnDisk();
    const run = aRun("r1");
    store.createRun(run, modulesOf("r1"));
    const read = store.getRun("r1");
    expect(read).toStrictEqual(run);
    expect(read && "finishedAt" in read).toBe(false);
    expect(read && "message" in read).toBe(false);
  });

  it("keeps the document from the JSON text its caller made of it", () => {
    const { store } = storeOnDisk();
    const run = aRun("r1");
    store.createRun(run, modulesOf("r1"), JSON.stringify(run.document));
    expect(store.getRun("r1")).toStrictEqual(run);
  });

  it("round-trips a finished run's finishedAt and message", () => {
    const { store } = storeOnDisk();
    const run = aRun("r1", { status: "failed", finishedAt: "2025-01-01T11:00:00.000Z", message: "m: boom" });
    store.createRun(run, []);
    expect(store.getRun("r1")).toStrictEqual(run);
  });

  it("gives undefined for an unknown run", () => {
    const { store } = storeOnDisk();
    expect(store.getRun("nope")).toBeUndefined();
  });

  it("patches only the fields given; an optional field given as undefined is cleared", () => {
    const { store } = storeOnDisk();
    store.createRun(aRun("r1", { message: "waiting for a person" }), []);
    store.updateRun("r1", {
      status: "completed",
      finishedAt: "2025-01-01T12:00:00.000Z",
      message: undefined,
    });
    expect(store.getRun("r1")).toStrictEqual({
      ...aRun("r1"),
      status: "completed",
      finishedAt: "2025-01-01T12:00:00.000Z",
    });
    store.updateRun("r1", { options: { autoResume: false }, updatedAt: "2025-01-01T12:00:01.000Z" });
    expect(store.getRun("r1")).toMatchObject({
      status: "completed",
      options: { autoResume: false },
      updatedAt: "2025-01-01T12:00:01.000Z",
    });
  });

  it("leaves a required field as it is when a patch gives it as undefined", () => {
    const { store } = storeOnDisk();
    store.createRun(aRun("r1"), []);
    store.updateRun("r1", { status: undefined, message: "still running" });
    expect(store.getRun("r1")).toMatchObject({ status: "running", message: "still running" });
  });

  it("lists runs newest first, as summaries, with limit and offset", () => {
    const { store } = storeOnDisk();
    store.createRun(aRun("old", { createdAt: "2025-01-01T09:00:00.000Z" }), []);
    store.createRun(aRun("new", { createdAt: "2025-01-03T09:00:00.000Z" }), []);
    store.createRun(
      aRun("mid", { createdAt: "2025-01-02T09:00:00.000Z", finishedAt: "2025-01-02T10:00:00.000Z" }),
      [],
    );
    expect(store.listRuns().map((r) => r.id)).toEqual(["new", "mid", "old"]);
    expect(store.listRuns({ limit: 1, offset: 1 })).toStrictEqual([
      {
        id: "mid",
        workflowName: "workflow of mid",
        status: "running",
        createdAt: "2025-01-02T09:00:00.000Z",
        updatedAt: "2025-01-02T09:00:00.000Z",
        finishedAt: "2025-01-02T10:00:00.000Z",
      },
    ]);
  });

  it("lists runs created in the same millisecond newest first too", () => {
    const { store } = storeOnDisk();
    for (const id of ["first", "second", "third"]) store.createRun(aRun(id), []);
    expect(store.listRuns().map((r) => r.id)).toEqual(["third", "second", "first"]);
  });

  it("finds the unfinished runs: running and suspended ones", () => {
    const { store } = storeOnDisk();
    const statuses = ["running", "suspended", "completed", "failed", "cancelled"] as const;
    for (const status of statuses) store.createRun(aRun(status, { status }), []);
    expect(store.unfinishedRuns().map((r) => r.id)).toEqual(["running", "suspended"]);
    store.updateRun("running", { status: "completed" });
    expect(store.unfinishedRuns().map((r) => r.id)).toEqual(["suspended"]);
  });

  it("deletes a run with its modules, log and jobs, and keeps the cache", () => {
    const { store } = storeOnDisk();
    for (const id of ["gone", "kept"]) {
      store.createRun(aRun(id), modulesOf(id));
      store.appendLog({ runId: id, at: "2025-01-01T10:00:00.000Z", level: "info", message: "hello" });
      store.createJob(aJob(`job-${id}`, id));
      store.cacheOutputs(signatureOf(id, "m0"), "test.Step", { y: id });
    }
    store.deleteRun("gone");
    expect(store.getRun("gone")).toBeUndefined();
    expect(store.modules("gone")).toEqual([]);
    expect(store.runLog("gone")).toEqual([]);
    expect(store.listJobs({ runId: "gone" })).toEqual([]);
    expect(store.cachedOutputs([signatureOf("gone", "m0")]).get(signatureOf("gone", "m0"))).toEqual({
      y: "gone",
    });
    expect(store.modules("kept")).toHaveLength(2);
    expect(store.runLog("kept")).toHaveLength(1);
    expect(store.listJobs().map((j) => j.id)).toEqual(["job-kept"]);
  });
});
