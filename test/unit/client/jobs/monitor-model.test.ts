import { describe, expect, it } from "vitest";
import { MonitorModel } from "../../../../client/jobs/monitor-model.js";
import { job, run } from "./job-fixtures.js";

describe("the Job Monitor's model", () => {
  it("reports a job that finished while watched, once, and not one that arrives finished", () => {
    const model = new MonitorModel();
    model.apply({ type: "snapshot", runs: [run("r", "w", "2026-01-01T00:00:00Z")], jobs: [job("a", "r")] });
    expect(
      model.apply({ type: "job", job: job("a", "r", { state: "completed" }) }).finished.map((j) => j.id),
    ).toEqual(["a"]);
    expect(model.apply({ type: "job", job: job("a", "r", { state: "completed" }) }).finished).toEqual([]);
    expect(model.apply({ type: "job", job: job("b", "r", { state: "failed" }) }).finished).toEqual([]);
  });

  it("asks for the summary of a run it only knows from an event", () => {
    const model = new MonitorModel();
    expect(model.apply({ type: "job", job: job("a", "elsewhere") }).unknownRuns).toEqual(["elsewhere"]);
    expect(model.apply({ type: "run", runId: "other", status: "running" }).unknownRuns).toEqual(["other"]);
    model.putRunSummary(run("other", "w", "2026-01-01T00:00:00Z", { status: "running" }));
    expect(model.runs.get("other")?.workflowName).toBe("w");
  });

  it("takes a full fetch, except for jobs events changed since it was sent, and drops deleted jobs", () => {
    const model = new MonitorModel();
    model.apply({ type: "snapshot", runs: [], jobs: [job("a", "r"), job("gone", "r")] });
    model.beginFetch();
    model.apply({ type: "job", job: job("a", "r", { state: "completed" }) });
    model.endFetch([job("a", "r", { state: "running" }), job("b", "r", { state: "failed" })], []);
    expect(model.jobs.get("a")?.state).toBe("completed");
    expect(model.jobs.get("b")?.state).toBe("failed");
    expect(model.jobs.has("gone")).toBe(false);
  });

  it("never takes a run back from a final status to an older answer's", () => {
    const model = new MonitorModel();
    model.apply({ type: "run", runId: "r", status: "cancelled" });
    model.putRunSummary(run("r", "w", "2026-01-01T00:00:00Z", { status: "running" }));
    expect(model.runs.get("r")).toMatchObject({ status: "cancelled", workflowName: "w" });
  });

  it("counts changes, so views re-derive only when something changed", () => {
    const model = new MonitorModel();
    const before = model.version;
    model.apply({
      type: "log",
      entry: { runId: "r", at: "2026-01-01T10:00:00.000Z", level: "info", message: "m" },
    });
    expect(model.version).toBe(before);
    model.apply({ type: "job", job: job("a", "r") });
    expect(model.version).toBe(before + 1);
  });

  it("tells a completed job whose module still waits (auto-resume off) until the module goes on", () => {
    const model = new MonitorModel();
    model.apply({
      type: "snapshot",
      runs: [{ id: "r", status: "suspended", modules: { a: { status: "suspended" } } }],
      jobs: [job("a", "r")],
    });
    const done = job("a", "r", { state: "completed" });
    model.apply({ type: "job", job: done });
    expect(model.awaitsResume(done)).toBe(true);
    model.apply({ type: "module", runId: "r", moduleId: "a", status: "done" });
    expect(model.awaitsResume(done)).toBe(false);
  });

  it("drops a job deleted elsewhere, and a fetch under way does not bring it back", () => {
    const model = new MonitorModel();
    model.apply({ type: "snapshot", runs: [], jobs: [job("a", "r")] });
    model.beginFetch();
    model.apply({ type: "job.deleted", runId: "r", jobId: "a" });
    expect(model.jobs.has("a")).toBe(false);
    model.endFetch([job("a", "r")], []);
    expect(model.jobs.has("a")).toBe(false);
  });
});

describe("the Job Monitor's model against late and stale answers", () => {
  it("ignores a job event, an action answer and a fetch answer about a job deleted while we watched", () => {
    const model = new MonitorModel();
    model.apply({ type: "snapshot", runs: [], jobs: [job("a", "r")] });
    model.apply({ type: "job.deleted", runId: "r", jobId: "a" });
    model.apply({ type: "job", job: job("a", "r", { state: "cancelled" }) });
    expect(model.jobs.has("a")).toBe(false);
    model.putJobAnswer(job("a", "r"));
    expect(model.jobs.has("a")).toBe(false);
    model.beginFetch();
    model.endFetch([job("a", "r")], []);
    expect(model.jobs.has("a")).toBe(false);
  });

  it("keeps a fetch under way from bringing back a job deleted before the model knew it", () => {
    const model = new MonitorModel();
    model.beginFetch();
    model.apply({ type: "job.deleted", runId: "r", jobId: "a" });
    model.endFetch([job("a", "r")], []);
    expect(model.jobs.has("a")).toBe(false);
  });

  it("forgets deleted ids a full fetch no longer lists", () => {
    const model = new MonitorModel();
    model.apply({ type: "job.deleted", runId: "r", jobId: "a" });
    model.beginFetch();
    model.endFetch([], []);
    // Reused id (a new job the server lists later) is shown again once the server stopped listing it.
    model.apply({ type: "job", job: job("a", "r") });
    expect(model.jobs.has("a")).toBe(true);
  });

  it("never replaces a finished job with an older unfinished copy (action answer or fetch)", () => {
    const model = new MonitorModel();
    model.apply({ type: "snapshot", runs: [], jobs: [job("a", "r")] });
    model.beginFetch();
    model.apply({ type: "job", job: job("a", "r", { state: "completed" }) });
    model.putJobAnswer(job("a", "r", { state: "running", paused: true }));
    expect(model.jobs.get("a")?.state).toBe("completed");
    model.endFetch([job("a", "r", { state: "running" })], []);
    model.beginFetch();
    model.endFetch([job("a", "r", { state: "running" })], []);
    expect(model.jobs.get("a")?.state).toBe("completed");
  });

  it("forgets a run's module states when it finishes, and jobless runs a fetch no longer lists", () => {
    const model = new MonitorModel();
    model.apply({
      type: "snapshot",
      runs: [
        { id: "r", status: "running", modules: { a: { status: "running" }, b: { status: "done" } } },
        { id: "old", status: "running" },
      ],
      jobs: [job("a", "r")],
    });
    model.apply({ type: "run", runId: "r", status: "completed" });
    expect(model.moduleStatus.size).toBe(0);
    model.beginFetch();
    model.endFetch([job("a", "r", { state: "completed" })], []);
    expect([...model.runs.keys()]).toEqual(["r"]);
  });
});
