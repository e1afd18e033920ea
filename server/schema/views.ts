/**
 * How runs, modules and jobs are shown over HTTP and the WebSocket: views of their own, not
 * projections of the engine's storage records (those keep handle params, counters and stacks that
 * never leave the server). zod schemas, so that the client and the CLI parse what they receive
 * instead of trusting it; the types are inferred from them. Pure zod, no Node imports.
 */
import { z } from "zod";
import { Problem } from "./problem.js";
import { JobState, ModuleStatus, RunStatus } from "./states.js";
import { WorkflowDocument } from "./workflow-document.js";

/**
 * Progress that moves with time alone (a timer): 0 at `startedAt`, 1 at `endsAt`, straight
 * between. A job that has one is not checked to show its progress: show `clockProgress` of now.
 */
export const ProgressClockView = z.object({ startedAt: z.string(), endsAt: z.string() });
export type ProgressClockView = z.infer<typeof ProgressClockView>;

/** The progress a clock shows at `nowMs` (times in ms since the epoch), 0..1. */
export function clockProgress(startedAtMs: number, endsAtMs: number, nowMs: number): number {
  const span = endsAtMs - startedAtMs;
  return span > 0 ? Math.min(1, Math.max(0, (nowMs - startedAtMs) / span)) : 1;
}

/** A job as every job route and event shows it. `moduleType` repeats `type` for the CLI. */
export const JobView = z.object({
  id: z.string(),
  runId: z.string(),
  moduleId: z.string(),
  type: z.string(),
  moduleType: z.string(),
  state: JobState,
  /** tomato's letter for the state (q, qw, r, rd, c, ce, cd). */
  letter: z.string(),
  paused: z.boolean(),
  /** The job's own check interval; null follows the global setting or the module's default. */
  intervalMs: z.number().nullable(),
  /** 0..1: from the last check, or from the clock when the view was made. */
  progress: z.number().optional(),
  progressClock: ProgressClockView.optional(),
  message: z.string().optional(),
  submittedAt: z.string(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  lastCheckedAt: z.string().optional(),
  nextCheckAt: z.string().optional(),
});
export type JobView = z.infer<typeof JobView>;

/** A module's error without the stack, which stays in the server. */
export const ModuleErrorView = z.object({
  code: z.string(),
  message: z.string(),
  port: z.string().optional(),
});
export type ModuleErrorView = z.infer<typeof ModuleErrorView>;

/** A module's state in a run. */
export const ModuleStateView = z.object({
  status: ModuleStatus,
  outputs: z.record(z.string(), z.unknown()).optional(),
  error: ModuleErrorView.optional(),
  /** 0..1, from a suspended job's last check. */
  progress: z.number().optional(),
  /** The suspended job's progress clock, when its progress moves with time (see `JobView`). */
  progressClock: ProgressClockView.optional(),
});
export type ModuleStateView = z.infer<typeof ModuleStateView>;

/** `GET /api/runs/:id`: a run with its document and every module's state. */
export const RunDetail = z.object({
  runId: z.string(),
  status: RunStatus,
  /** Why the run ended failed or cancelled, in a sentence. */
  message: z.string().optional(),
  workflow: WorkflowDocument,
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().optional(),
  modules: z.record(z.string(), ModuleStateView),
});
export type RunDetail = z.infer<typeof RunDetail>;

/** A run in `GET /api/runs` (newest first). */
export const RunSummaryView = z.object({
  id: z.string(),
  workflowName: z.string(),
  status: RunStatus,
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().optional(),
});
export type RunSummaryView = z.infer<typeof RunSummaryView>;

/** `GET /api/runs` */
export const RunsAnswer = z.object({ runs: z.array(RunSummaryView) });

/** A run in the WebSocket snapshot; active runs carry their modules' states. */
export const SnapshotRun = RunSummaryView.extend({
  modules: z.record(z.string(), ModuleStateView).optional(),
});
export type SnapshotRun = z.infer<typeof SnapshotRun>;

/** `POST /api/runs` */
export const StartRunAnswer = z.object({ runId: z.string() });
export type StartRunAnswer = z.infer<typeof StartRunAnswer>;
/** `POST /api/workflows/check`: what a run of the document would be refused for (none: `[]`). */
export const CheckAnswer = z.object({ problems: z.array(Problem) });

/** `POST /api/runs/:id/cancel`, `POST /api/jobs/:id/cancel` (with `job`). */
export const CancelAnswer = z.object({ message: z.string().optional() });
export type CancelAnswer = z.infer<typeof CancelAnswer>;
export const CancelJobAnswer = z.object({ job: JobView, message: z.string().optional() });
export type CancelJobAnswer = z.infer<typeof CancelJobAnswer>;

/** `GET /api/jobs` */
export const JobsAnswer = z.object({ jobs: z.array(JobView) });

/** `GET /api/jobs/:id/log`: bytes of a job's stdout or stderr from `offset` on. */
export const LogChunkView = z.object({
  text: z.string(),
  nextOffset: z.number(),
  /** The stream's whole length in bytes, when the server knows it. */
  size: z.number().optional(),
});
export type LogChunkView = z.infer<typeof LogChunkView>;

/** A line of a run's log, as the `log` event carries it. */
export const RunLogView = z.object({
  runId: z.string(),
  moduleId: z.string().optional(),
  at: z.string(),
  level: z.enum(["info", "warn", "error"]),
  message: z.string(),
});
export type RunLogView = z.infer<typeof RunLogView>;

/** `GET /api/runs/:id/log`: the run's log (`basic.Log` entries, module errors), oldest first. */
export const RunLogAnswer = z.object({
  entries: z.array(RunLogView.extend({ seq: z.number().int() })),
});
export type RunLogAnswer = z.infer<typeof RunLogAnswer>;

/** `GET /api/runs/:id/file-info`, `/api/jobs/:id/file-info`: what a file is, before downloading it. */
export const FileInfoView = z.object({
  /** The file's name (its last path segment). */
  name: z.string(),
  /** Its path relative to the run's or job's folder, `/`-separated. */
  path: z.string(),
  size: z.number().int().min(0),
  contentType: z.string(),
  modifiedAt: z.string(),
});
export type FileInfoView = z.infer<typeof FileInfoView>;

/** `GET /api/jobs/:id/files` without `path`: the plain files of the job's folder, by name. */
export const JobFilesAnswer = z.object({ files: z.array(FileInfoView) });

/** `GET /api/workflows` */
export const WorkflowListEntry = z.object({
  name: z.string(),
  readOnly: z.boolean(),
  description: z.string().optional(),
});
export type WorkflowListEntry = z.infer<typeof WorkflowListEntry>;
export const WorkflowsAnswer = z.object({ workflows: z.array(WorkflowListEntry) });

/** `GET|PUT /api/workflows/:name` */
export const WorkflowEntry = z.object({
  name: z.string(),
  readOnly: z.boolean(),
  workflow: z.unknown(),
});
export type WorkflowEntry = z.infer<typeof WorkflowEntry>;

/** The run actions' counts (`check-all`, `pause-all`, `resume-checks`, `resume`). */
export const CheckedAnswer = z.object({ checked: z.number() });
export const PausedAnswer = z.object({ paused: z.number() });
export const ResumedChecksAnswer = z.object({ resumed: z.number() });
export const ResumedRunAnswer = z.object({ resumedJobs: z.number() });
export type ResumedRunAnswer = z.infer<typeof ResumedRunAnswer>;
