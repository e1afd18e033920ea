/**
 * What the Job Monitor knows: every run and job, folded from the WebSocket snapshot, the live events
 * and full fetches after each (re)connection. Framework-free and mutable on purpose: with thousands of
 * jobs checked every second, copying a map per event would cost more than rendering; `version` counts
 * changes so that views re-derive only when something changed.
 */
import type { ServerMessage } from "../../server/schema/messages.js";
import { isFinishedJob, isFinishedRun } from "../../server/schema/states.js";
import type { JobView, SnapshotRun } from "../../server/schema/views.js";
import type { RunInfo } from "./job-types.js";

/**
 * A message as the monitor reads it: the contract's, where a snapshot's run needs only its id and
 * status (the monitor folds in what else it is told).
 */
export type MonitorMessage =
  | Exclude<ServerMessage, { type: "snapshot" }>
  | {
      type: "snapshot";
      runs: (Partial<SnapshotRun> & Pick<SnapshotRun, "id" | "status">)[];
      jobs?: JobView[];
    };

/** What a message changed that people are told about: jobs that finished while we watched. */
export interface Applied {
  finished: JobView[];
  /** Runs mentioned that the monitor has no summary of yet (fetch them). */
  unknownRuns: string[];
}

export class MonitorModel {
  readonly runs = new Map<string, RunInfo>();
  readonly jobs = new Map<string, JobView>();
  /** Each active run's module states ("runId\u0000moduleId" -> status), from the snapshot and events. */
  readonly moduleStatus = new Map<string, string>();
  version = 0;
  /**
   * Counts the changes that can move rows: jobs added or removed, a job's state or pause changed,
   * runs changed. A check that only moves times, progress or the message does not count here: the
   * list is then re-rendered, not re-grouped.
   */
  structureVersion = 0;
  /** Ids changed by messages since a full fetch was sent: that fetch's answer is older for them. */
  private touched: Set<string> | undefined;
  /**
   * Jobs deleted while we watched: a late event, action answer or fetch answer about one must not
   * bring it back. Trimmed at each full fetch to the ids that answer still lists.
   */
  private readonly deleted = new Set<string>();

  apply(message: MonitorMessage): Applied {
    const applied: Applied = { finished: [], unknownRuns: [] };
    switch (message.type) {
      case "snapshot":
        this.structureVersion++;
        for (const { modules, ...run } of message.runs) {
          this.putRun({ ...this.runs.get(run.id), ...run });
          for (const [id, state] of Object.entries(modules ?? {}))
            this.moduleStatus.set(moduleKey(run.id, id), state.status);
        }
        for (const job of message.jobs ?? []) this.putJob(job);
        break;
      case "job": {
        const { job } = message;
        if (this.deleted.has(job.id)) return applied;
        const before = this.jobs.get(job.id);
        if (before && !isFinishedJob(before.state) && isFinishedJob(job.state)) applied.finished.push(job);
        if (!before || before.state !== job.state || before.paused !== job.paused) this.structureVersion++;
        this.putJob(job);
        if (!this.runs.has(job.runId)) {
          this.runs.set(job.runId, { id: job.runId, status: "running" });
          applied.unknownRuns.push(job.runId);
        }
        break;
      }
      case "run": {
        this.structureVersion++;
        const run = this.runs.get(message.runId);
        // A finished run's modules wait for nothing more: their states are no longer needed.
        if (isFinishedRun(message.status)) this.dropModuleStatus(message.runId);
        if (!run) applied.unknownRuns.push(message.runId);
        this.putRun({
          ...(run ?? { id: message.runId }),
          status: message.status,
          ...(message.message ? { message: message.message } : {}),
        });
        break;
      }
      case "job.deleted":
        this.deleted.add(message.jobId);
        // Marked before the early return: a fetch under way may still list the job.
        this.touched?.add(message.jobId);
        if (!this.jobs.delete(message.jobId)) return applied;
        this.structureVersion++;
        break;
      case "module": {
        const key = moduleKey(message.runId, message.moduleId);
        if (this.moduleStatus.get(key) !== message.status) this.structureVersion++;
        this.moduleStatus.set(key, message.status);
        break;
      }
      default:
        return applied;
    }
    this.version++;
    return applied;
  }

  /** Starts a full fetch: messages from now on win over its answer. */
  beginFetch(): void {
    this.touched = new Set();
  }

  /** A full fetch failed: messages are applied as usual until the next one begins. */
  abandonFetch(): void {
    this.touched = undefined;
  }

  /**
   * Takes a full fetch's answer: every job and the recent runs. Jobs the answer lacks are gone
   * (deleted), unless a message told of them since the fetch began.
   */
  endFetch(jobs: readonly JobView[], runs: readonly RunInfo[]): void {
    const touched = this.touched ?? new Set<string>();
    this.touched = undefined;
    const present = new Set<string>();
    for (const job of jobs) {
      present.add(job.id);
      if (!touched.has(job.id) && !this.deleted.has(job.id) && !this.isOlder(job)) this.jobs.set(job.id, job);
    }
    for (const id of [...this.jobs.keys()]) if (!present.has(id) && !touched.has(id)) this.jobs.delete(id);
    // An id the server no longer lists can no longer come back: it need not be remembered.
    for (const id of [...this.deleted]) if (!present.has(id)) this.deleted.delete(id);
    const listed = new Set<string>();
    for (const run of runs) {
      listed.add(run.id);
      const known = this.runs.get(run.id);
      this.runs.set(run.id, touched.has(run.id) && known ? { ...run, ...known } : { ...known, ...run });
    }
    // Runs past the fetched page (or deleted) that have no job left are dropped: memory stays bounded.
    const withJobs = new Set([...this.jobs.values()].map((j) => j.runId));
    for (const id of [...this.runs.keys()]) {
      if (listed.has(id) || touched.has(id) || withJobs.has(id)) continue;
      this.runs.delete(id);
      this.dropModuleStatus(id);
    }
    this.version++;
    this.structureVersion++;
  }

  /** A run's summary fetched on its own (a run started elsewhere). */
  putRunSummary(run: RunInfo): void {
    const known = this.runs.get(run.id);
    // A final status told by an event never goes back to an older answer's.
    const status = known && isFinishedRun(known.status) ? known.status : run.status;
    this.runs.set(run.id, { ...known, ...run, status });
    this.version++;
    this.structureVersion++;
  }

  /** The answer of an action on one job (the same job an event will bring too). */
  putJobAnswer(job: JobView): void {
    if (this.deleted.has(job.id) || this.isOlder(job)) return;
    const before = this.jobs.get(job.id);
    if (!before || before.state !== job.state || before.paused !== job.paused) this.structureVersion++;
    this.putJob(job);
    this.version++;
  }

  removeJob(id: string): void {
    this.deleted.add(id);
    this.touched?.add(id);
    if (!this.jobs.delete(id)) return;
    this.version++;
    this.structureVersion++;
  }

  /**
   * A job that completed while its module still waits: auto-resume was off, and the run goes on
   * only when a person resumes it.
   */
  awaitsResume(job: JobView): boolean {
    return (
      job.state === "completed" && this.moduleStatus.get(moduleKey(job.runId, job.moduleId)) === "suspended"
    );
  }

  jobsOfRun(runId: string): JobView[] {
    return [...this.jobs.values()].filter((j) => j.runId === runId);
  }

  /** An unfinished copy of a job known finished: an answer older than the event that finished it. */
  private isOlder(job: JobView): boolean {
    const known = this.jobs.get(job.id);
    return known !== undefined && isFinishedJob(known.state) && !isFinishedJob(job.state);
  }

  private dropModuleStatus(runId: string): void {
    const prefix = moduleKey(runId, "");
    for (const key of [...this.moduleStatus.keys()])
      if (key.startsWith(prefix)) this.moduleStatus.delete(key);
  }

  private putJob(job: JobView): void {
    this.jobs.set(job.id, job);
    this.touched?.add(job.id);
  }

  private putRun(run: RunInfo): void {
    this.runs.set(run.id, run);
    this.touched?.add(run.id);
  }
}

const moduleKey = (runId: string, moduleId: string) => `${runId}\u0000${moduleId}`;
