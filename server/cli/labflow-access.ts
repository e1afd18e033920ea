import type { RunOptions } from "../engine/records.js";
import type { ServerMessage } from "../schema/messages.js";
import type {
  CancelAnswer,
  CancelJobAnswer,
  JobView,
  LogChunkView,
  ResumedRunAnswer,
  RunDetail,
  RunSummaryView,
} from "../schema/views.js";

/** A run an interrupted `labflow run` left unfinished. */
export interface InterruptedRun {
  runId: string;
  createdAt: string;
}

/**
 * What the CLI's commands need of labflow. Two implementations: in this process (no server owns the
 * data folder) and through a running `labflow serve` (as tomato's ketchup talks to its daemon).
 * Both answer with the wire contract's views (server/schema/views.ts), so a command prints the
 * same fields whichever way it reached labflow.
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
  getRun(runId: string): Promise<RunDetail>;
  listRuns(): Promise<RunSummaryView[]>;
  /**
   * Resolves once the run is final, or (with `untilSuspended`) once only jobs remain. `onEvent`
   * hears the run's changes on the way, as the WebSocket tells them.
   */
  waitForRun(
    runId: string,
    options: { untilSuspended?: boolean; onEvent?: (event: ServerMessage) => void },
  ): Promise<RunDetail>;
  cancelRun(runId: string): Promise<CancelAnswer>;
  resumeRun(runId: string): Promise<ResumedRunAnswer>;
  listJobs(filter?: { runId?: string }): Promise<JobView[]>;
  getJob(jobId: string): Promise<JobView>;
  checkJob(jobId: string): Promise<JobView>;
  pauseJob(jobId: string, paused: boolean): Promise<JobView>;
  cancelJob(jobId: string): Promise<CancelJobAnswer>;
  jobLog(jobId: string, stream: "stdout" | "stderr", offset: number): Promise<LogChunkView>;
  close(): Promise<void>;
}
