/**
 * The states of runs, modules and jobs: one zod enum each, one set of final states and one
 * predicate each. The engine, the store, HTTP, the CLI and the client all import them from here, so
 * a state added here reaches every one of them (or fails to compile there). Pure zod, no Node imports.
 */
import { z } from "zod";

export const RunStatus = z.enum(["running", "suspended", "completed", "failed", "cancelled"]);
export type RunStatus = z.infer<typeof RunStatus>;

/** A run in one of these states is over: nothing of it runs or waits any more. */
export const FINISHED_RUN_STATUSES = [
  "completed",
  "failed",
  "cancelled",
] as const satisfies readonly RunStatus[];
export const isFinishedRun = (status: RunStatus): boolean =>
  (FINISHED_RUN_STATUSES as readonly RunStatus[]).includes(status);

export const ModuleStatus = z.enum([
  "pending",
  "running",
  "suspended",
  "done",
  "cached",
  "failed",
  "skipped",
  "cancelled",
]);
export type ModuleStatus = z.infer<typeof ModuleStatus>;

/** A module in one of these states is resolved in its run: it has its outputs or never will. */
export const FINISHED_MODULE_STATUSES = [
  "done",
  "cached",
  "failed",
  "skipped",
  "cancelled",
] as const satisfies readonly ModuleStatus[];
export const isFinishedModule = (status: ModuleStatus): boolean =>
  (FINISHED_MODULE_STATUSES as readonly ModuleStatus[]).includes(status);

/**
 * Job states (docs/api.md, "Jobs"): `starting` is written before the module's `start` is called;
 * `paused` is a flag of the monitor, not a state.
 */
export const JobState = z.enum([
  "starting",
  "queued",
  "waiting",
  "running",
  "cancelling",
  "completed",
  "failed",
  "cancelled",
]);
export type JobState = z.infer<typeof JobState>;

/** Every job state, in lifecycle order. */
export const JOB_STATES: readonly JobState[] = JobState.options;

/** A job in one of these states is over: it is never checked again and never changes. */
export const FINISHED_JOB_STATES = [
  "completed",
  "failed",
  "cancelled",
] as const satisfies readonly JobState[];
export const isFinishedJob = (state: JobState): boolean =>
  (FINISHED_JOB_STATES as readonly JobState[]).includes(state);

/** The states of jobs still under way (what the WebSocket snapshot lists). */
export const OPEN_JOB_STATES: readonly JobState[] = JOB_STATES.filter((s) => !isFinishedJob(s));

/** tomato's letters, shown as a hint to people coming from it. */
export const JOB_STATE_LETTER: Readonly<Record<JobState, string>> = {
  starting: "q",
  queued: "q",
  waiting: "qw",
  running: "r",
  cancelling: "rd",
  completed: "c",
  failed: "ce",
  cancelled: "cd",
};
