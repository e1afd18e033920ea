/**
 * What the engine persists and reports: runs, the state of each module in a run, jobs.
 * Plain JSON-able data; the Store keeps it, the API and the events carry it.
 */
import type { ProgressClock } from "../../modules/sdk/job.js";
import type { JobState, ModuleStatus, RunStatus } from "../schema/states.js";
import type { WorkflowDocument } from "../schema/workflow-document.js";

/** The states are the wire contract's (server/schema/states.ts): one definition for every layer. */
export type { JobState, ModuleStatus, RunStatus };

/** A module's failure as kept in the run record: code, message, and the stack of a thrown error. */
export interface ModuleFailure {
  code: string;
  message: string;
  port?: string;
  stack?: string;
}

export interface RunOptions {
  /** When a job finishes, continue the run at once (true) or wait for a person to resume it. */
  autoResume: boolean;
  /**
   * A fresh start of work that is unchanged: these modules (and so what is downstream of them) get
   * signatures of their own, so they run and start new jobs instead of reusing the cache or a
   * running job. The reason is recorded in the run log.
   */
  rerun?: { modules: string[] | "all"; reason: string };
}

export interface RunRecord {
  id: string;
  /** The run's own copy of the document: editing the workflow later never changes a run. */
  document: WorkflowDocument;
  status: RunStatus;
  options: RunOptions;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  /** Why the run ended failed or cancelled, in a sentence. */
  message?: string;
}

export interface ModuleRunRecord {
  runId: string;
  moduleId: string;
  moduleType: string;
  status: ModuleStatus;
  /** The execution signature; results are cached under it. */
  signature: string;
  outputs?: Record<string, unknown>;
  error?: ModuleFailure;
  startedAt?: string;
  finishedAt?: string;
}

export interface JobRecord {
  /**
   * Derived from the module signature (a job is its work) and the attempt; also the idempotency key
   * given to `start`. `runId` and `moduleId` name the execution that started it; others may follow it.
   */
  id: string;
  runId: string;
  moduleId: string;
  moduleType: string;
  signature: string;
  /** The registered handle kind that rebuilds the handle. */
  kind: string;
  /** The handle params `start` returned; null until then. */
  params: unknown;
  state: JobState;
  /** Checking is paused: a flag of the monitor, not a state. */
  paused: boolean;
  /** Per-job check interval override in ms; null uses the module's default or the global one. */
  intervalMs: number | null;
  submittedAt: string;
  startedAt?: string;
  finishedAt?: string;
  lastCheckedAt?: string;
  nextCheckAt?: string;
  progress?: number;
  /**
   * Progress that moves with time alone (a timer), from the last check: shown moving without
   * checks. Not stored (a restart's first check tells it again); gone once the job is final.
   */
  progressClock?: ProgressClock;
  message?: string;
  /** Consecutive failed checks; reset by a successful one. */
  failedChecks: number;
}

export interface RunLogEntry {
  seq: number;
  runId: string;
  moduleId?: string;
  at: string;
  level: "info" | "warn" | "error";
  message: string;
}
