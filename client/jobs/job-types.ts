/**
 * Jobs, runs and settings as the server shows them (docs/api.md, "Jobs" and "Settings"). The client
 * keeps its own copy of these shapes: it may not import the server's API schema.
 */
import type { RunStatus } from "../api/runs.js";

export type JobState =
  | "starting"
  | "queued"
  | "waiting"
  | "running"
  | "cancelling"
  | "completed"
  | "failed"
  | "cancelled";

export const FINISHED_JOB_STATES: readonly JobState[] = ["completed", "failed", "cancelled"];
export const isFinishedJob = (state: JobState): boolean => FINISHED_JOB_STATES.includes(state);

/** A job as every job route and event shows it. */
export interface JobView {
  id: string;
  runId: string;
  moduleId: string;
  type: string;
  state: JobState;
  /** tomato's letter for the state (q, qw, r, rd, c, ce, cd). */
  letter: string;
  paused: boolean;
  /** The job's own check interval; null follows the global setting or the module's default. */
  intervalMs: number | null;
  progress?: number;
  message?: string;
  submittedAt: string;
  startedAt?: string;
  finishedAt?: string;
  lastCheckedAt?: string;
  nextCheckAt?: string;
}

/** A run as the monitor knows it: from the snapshot, `GET /api/runs` and run events. */
export interface RunInfo {
  id: string;
  /** Unknown until the run's summary arrives (a run event may come first). */
  workflowName?: string;
  status: RunStatus;
  createdAt?: string;
  message?: string;
}

export type CheckInterval = "module-default" | "off" | number;

export interface MonitorSettings {
  checkInterval: CheckInterval;
  autoResume: boolean;
}

export interface LogChunk {
  text: string;
  nextOffset: number;
  /** The stream's whole length in bytes, when the server knows it. */
  size?: number;
}

export type LogStream = "stdout" | "stderr";
