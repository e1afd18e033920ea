import { describe, expect, it } from "vitest";
import {
  buildRows,
  type ListOptions,
  type Row,
  runKey,
  workflowKey,
} from "../../../../client/jobs/job-rows.js";
import type { RunInfo } from "../../../../client/jobs/job-types.js";
import { job, run } from "./job-fixtures.js";

const options = (over: Partial<ListOptions> = {}): ListOptions => ({
  state: "all",
  search: "",
  sort: "newest",
  collapsed: new Set(),
  ...over,
});
const runs = (...list: RunInfo[]) => new Map(list.map((r) => [r.id, r]));
/** Rows as short labels: `w:name`, `r:id`, `j:id`. */
const labels = (rows: Row[]) =>
  rows.map((r) =>
    r.kind === "workflow" ? `w:${r.name}` : r.kind === "run" ? `r:${r.run.id}` : `j:${r.job.id}`,
  );

const twoWorkflows = runs(
  run("r1", "scan", "2026-01-01T09:00:00Z"),
  run("r2", "scan", "2026-01-01T11:00:00Z"),
  run("r3", "anneal", "2026-01-01T10:00:00Z"),
);
const jobs = [
  job("a", "r1", { submittedAt: "2026-01-01T09:00:01Z" }),
  job("b", "r2", { submittedAt: "2026-01-01T11:00:01Z", state: "failed", type: "jobs.Command" }),
  job("c", "r2", { submittedAt: "2026-01-01T11:00:02Z" }),
  job("d", "r3", { submittedAt: "2026-01-01T10:00:01Z", state: "completed" }),
];

describe("the Job Monitor's rows", () => {
  it("groups runs by workflow, newest first, with each run's jobs under it", () => {
    expect(labels(buildRows(twoWorkflows, jobs, options()))).toEqual([
      "w:scan",
      "r:r2",
      "j:c",
      "j:b",
      "r:r1",
      "j:a",
      "w:anneal",
      "r:r3",
      "j:d",
    ]);
  });

  it("sorts oldest first on request", () => {
    expect(labels(buildRows(twoWorkflows, jobs, options({ sort: "oldest" })))).toEqual([
      "w:scan",
      "r:r1",
      "j:a",
      "r:r2",
      "j:b",
      "j:c",
      "w:anneal",
      "r:r3",
      "j:d",
    ]);
  });

  it("filters by state and leaves out runs with no matching job, while counting all of a run's jobs", () => {
    const rows = buildRows(twoWorkflows, jobs, options({ state: "failed" }));
    expect(labels(rows)).toEqual(["w:scan", "r:r2", "j:b"]);
    const runRow = rows[1] as Extract<Row, { kind: "run" }>;
    expect(runRow.counts).toEqual({ total: 2, active: 1, paused: 0, failed: 1 });
    expect(labels(buildRows(twoWorkflows, jobs, options({ state: "active" })))).toEqual([
      "w:scan",
      "r:r2",
      "j:c",
      "r:r1",
      "j:a",
    ]);
  });

  it("searches module id, type and workflow name, every word", () => {
    expect(labels(buildRows(twoWorkflows, jobs, options({ search: "command" })))).toEqual([
      "w:scan",
      "r:r2",
      "j:b",
    ]);
    expect(labels(buildRows(twoWorkflows, jobs, options({ search: "ANNEAL d" })))).toEqual([
      "w:anneal",
      "r:r3",
      "j:d",
    ]);
    expect(buildRows(twoWorkflows, jobs, options({ search: "nothing-like-this" }))).toEqual([]);
  });

  it("hides the runs of a collapsed workflow and the jobs of a collapsed run", () => {
    const collapsed = new Set([workflowKey("anneal"), runKey("r2")]);
    expect(labels(buildRows(twoWorkflows, jobs, options({ collapsed })))).toEqual([
      "w:scan",
      "r:r2",
      "r:r1",
      "j:a",
      "w:anneal",
    ]);
  });

  it("says a suspended run whose jobs all finished waits for a person", () => {
    const waiting = runs(run("r", "w", "2026-01-01T09:00:00Z"));
    const done = buildRows(waiting, [job("x", "r", { state: "completed" })], options());
    expect((done[1] as Extract<Row, { kind: "run" }>).waitsForPerson).toBe(true);
    const going = buildRows(waiting, [job("x", "r")], options());
    expect((going[1] as Extract<Row, { kind: "run" }>).waitsForPerson).toBe(false);
    // One job done and waiting while another still runs: the module states tell.
    const mixed = [job("x", "r", { state: "completed" }), job("y", "r")];
    const told = buildRows(waiting, mixed, options(), (j) => j.id === "x");
    expect((told[1] as Extract<Row, { kind: "run" }>).waitsForPerson).toBe(true);
  });

  it("groups the jobs of a run it has no summary of yet under an unknown workflow", () => {
    expect(labels(buildRows(new Map(), [job("x", "r9")], options()))).toEqual([
      "w:(unknown workflow)",
      "r:r9",
      "j:x",
    ]);
  });
});
