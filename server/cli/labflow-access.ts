import type { LogChunk } from "../../modules/sdk/job.js";
import type { RunView } from "../engine/engine.js";
import type { EngineEvent } from "../engine/engine-events.js";
import type { JobRecord, RunOptions } from "../engine/records.js";
import type { RunSummary } from "../engine/store.js";

/** A run an interrupted `labflow run` left unfinished. */
export interface InterruptedRun {
  runId: string;
  createdAt: string;
}

/**
 * What the CLI's commands need of labflow. Two implementations: in this process (no server owns the
 * data folder) and through a running `labflow serve` (as tomato's ketchup talks to its daemon).
 */
export interface LabflowAccess {
  readonly where: "local" | "server";
  startRun(document: unknown, options?: Partial<RunOptions>): Promise<{ runId: string }>;
  /**
   * An unfinished run of this same document that this command restored (the `labflow run` that
   * started it was interrupted), to be followed instead of starting the work again. Always
   * undefined through a server, which continues its unfinished runs itself.
   */
  interruptedRunOf(document: unknown): Promise<InterruptedRun | undefined>;
  getRun(runId: string): Promise<RunView>;
  listRuns(): Promise<RunSummary[]>;
  /**
   * Resolves once the run is final, or (with `untilSuspended`) once only jobs remain. `onEvent`
   * hears module and job changes on the way.
   */
  waitForRun(
    runId: string,
    options: { untilSuspended?: boolean; onEvent?: (event: EngineEvent) => void },
  ): Promise<RunView>;
  cancelRun(runId: string): Promise<{ message?: string }>;
  resumeRun(runId: string): Promise<{ resumedJobs: number }>;
  listJobs(filter?: { runId?: string }): Promise<JobRecord[]>;
  getJob(jobId: string): Promise<JobRecord>;
  checkJob(jobId: string): Promise<JobRecord>;
  pauseJob(jobId: string, paused: boolean): Promise<JobRecord>;
  cancelJob(jobId: string): Promise<{ job: JobRecord; message?: string }>;
  jobLog(jobId: string, stream: "stdout" | "stderr", offset: number): Promise<LogChunk>;
  close(): Promise<void>;
}
