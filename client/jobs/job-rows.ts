/**
 * The Job Monitor's list as rows: workflows, their runs (newest or oldest first) and the runs' jobs,
 * filtered by state and a search text. Pure, so that 5,000 jobs are grouped in one pass and tested
 * without a browser.
 */

import { isFinishedJob, isFinishedRun, type JobState } from "../../server/schema/states.js";
import type { JobView } from "../../server/schema/views.js";
import type { RunInfo } from "./job-types.js";

/** `all`, `active` (not finished) or one state. */
export type StateFilter = "all" | "active" | JobState;
export type SortOrder = "newest" | "oldest";

export interface ListOptions {
  state: StateFilter;
  search: string;
  sort: SortOrder;
  /** Keys of collapsed workflow and run rows. */
  collapsed: ReadonlySet<string>;
}

export interface JobCounts {
  total: number;
  active: number;
  paused: number;
  failed: number;
}

export type Row =
  | { kind: "workflow"; key: string; name: string; runs: number; jobs: number }
  | { kind: "run"; key: string; run: RunInfo; counts: JobCounts; waitsForPerson: boolean }
  | { kind: "job"; key: string; job: JobView };

/** Heights in px: fixed per kind, so the virtual list never measures. */
export const ROW_HEIGHT: Record<Row["kind"], number> = { workflow: 30, run: 58, job: 82 };
/** A run that waits for a person has a line more: what it waits for, and Resume. */
const WAITING_RUN_HEIGHT = 80;

export const rowHeight = (row: Row): number =>
  row.kind === "run" && row.waitsForPerson ? WAITING_RUN_HEIGHT : ROW_HEIGHT[row.kind];

export const STATE_FILTERS: { value: StateFilter; label: string }[] = [
  { value: "all", label: "All states" },
  { value: "active", label: "Active" },
  { value: "queued", label: "Queued (q)" },
  { value: "waiting", label: "Waiting (qw)" },
  { value: "running", label: "Running (r)" },
  { value: "cancelling", label: "Cancelling (rd)" },
  { value: "completed", label: "Completed (c)" },
  { value: "failed", label: "Failed (ce)" },
  { value: "cancelled", label: "Cancelled (cd)" },
];

export const workflowKey = (name: string) => `w:${name}`;
export const runKey = (id: string) => `r:${id}`;
/** Runs whose summary has not arrived yet are grouped here. */
export const UNKNOWN_WORKFLOW = "(unknown workflow)";

export function matchesState(job: JobView, filter: StateFilter): boolean {
  if (filter === "all") return true;
  if (filter === "active") return !isFinishedJob(job.state);
  // `starting` is shown as queued, as its letter says.
  return job.state === filter || (filter === "queued" && job.state === "starting");
}

function matchesSearch(job: JobView, run: RunInfo | undefined, words: string[]): boolean {
  if (words.length === 0) return true;
  const text = `${job.moduleId} ${job.type} ${job.id} ${job.runId} ${run?.workflowName ?? ""}`.toLowerCase();
  return words.every((w) => text.includes(w));
}

/** Tells a completed job whose run waits for a person to deliver its results (auto-resume off). */
export type AwaitsResume = (job: JobView) => boolean;

/**
 * A run waits for a person when one of its jobs completed while auto-resume was off: its results
 * reach the modules downstream only when someone resumes the run. Without module states (a run
 * not followed live), a suspended run with every job finished is taken to wait.
 */
export function waitsForPerson(run: RunInfo, jobs: readonly JobView[], awaitsResume?: AwaitsResume): boolean {
  if (isFinishedRun(run.status) || jobs.length === 0) return false;
  if (awaitsResume && jobs.some(awaitsResume)) return true;
  return run.status === "suspended" && jobs.every((j) => isFinishedJob(j.state));
}

export function countJobs(jobs: readonly JobView[]): JobCounts {
  const counts: JobCounts = { total: jobs.length, active: 0, paused: 0, failed: 0 };
  for (const job of jobs) {
    if (!isFinishedJob(job.state)) {
      counts.active++;
      if (job.paused) counts.paused++;
    }
    if (job.state === "failed") counts.failed++;
  }
  return counts;
}

const byTime = (sort: SortOrder) => (a: string, b: string) =>
  sort === "newest" ? (a < b ? 1 : a > b ? -1 : 0) : a < b ? -1 : a > b ? 1 : 0;

/** The rows to show. Runs without a matching job are left out. */
export function buildRows(
  runs: ReadonlyMap<string, RunInfo>,
  jobs: Iterable<JobView>,
  options: ListOptions,
  awaitsResume?: AwaitsResume,
): Row[] {
  const words = options.search.toLowerCase().split(/\s+/).filter(Boolean);
  const jobsByRun = new Map<string, JobView[]>();
  const allByRun = new Map<string, JobView[]>();
  for (const job of jobs) {
    pushTo(allByRun, job.runId, job);
    if (!matchesState(job, options.state) || !matchesSearch(job, runs.get(job.runId), words)) continue;
    pushTo(jobsByRun, job.runId, job);
  }
  const order = byTime(options.sort);
  /** A run's time: its creation, or (summary not known yet) its first job's submission. */
  const runTime = (id: string, list: JobView[]) => {
    const created = runs.get(id)?.createdAt;
    if (created) return created;
    let first = "\uffff";
    for (const job of list) if (job.submittedAt < first) first = job.submittedAt;
    return first;
  };

  // Workflows by name, each with its runs; a workflow is placed by its newest (or oldest) run.
  const byWorkflow = new Map<string, { id: string; time: string; jobs: JobView[] }[]>();
  for (const [id, list] of jobsByRun) {
    const name = runs.get(id)?.workflowName ?? UNKNOWN_WORKFLOW;
    pushTo(byWorkflow, name, { id, time: runTime(id, list), jobs: list });
  }
  const workflows = [...byWorkflow.entries()].map(([name, group]) => {
    group.sort((a, b) => order(a.time, b.time) || (a.id < b.id ? -1 : 1));
    return { name, group, time: (group[0] as { time: string }).time };
  });
  workflows.sort((a, b) => order(a.time, b.time) || (a.name < b.name ? -1 : 1));

  const rows: Row[] = [];
  for (const { name, group } of workflows) {
    const wKey = workflowKey(name);
    rows.push({
      kind: "workflow",
      key: wKey,
      name,
      runs: group.length,
      jobs: group.reduce((n, r) => n + r.jobs.length, 0),
    });
    if (options.collapsed.has(wKey)) continue;
    for (const { id, jobs: list } of group) {
      const run = runs.get(id) ?? { id, status: "running" as const };
      const all = allByRun.get(id) ?? list;
      const rKey = runKey(id);
      rows.push({
        kind: "run",
        key: rKey,
        run,
        counts: countJobs(all),
        waitsForPerson: waitsForPerson(run, all, awaitsResume),
      });
      if (options.collapsed.has(rKey)) continue;
      list.sort((a, b) => order(a.submittedAt, b.submittedAt) || (a.moduleId < b.moduleId ? -1 : 1));
      for (const job of list) rows.push({ kind: "job", key: job.id, job });
    }
  }
  return rows;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Whether the run can still be cancelled or checked. */
export const runIsActive = (run: RunInfo): boolean => !isFinishedRun(run.status);
