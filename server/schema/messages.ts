/**
 * What the server sends on the WebSocket `/api/events`: one message type per topic, as one
 * discriminated union (n8n's `PushMessage`). A client gets a `snapshot` first, then every change;
 * a client that asked for batches (`?batch=1`) gets them wrapped in `batch` messages. The client
 * parses each message with `ServerMessage` and skips what it cannot read. Pure zod, no Node imports.
 */
import { z } from "zod";
import { Settings } from "./api.js";
import { PipelineStatusView, Reading } from "./pipelines-api.js";
import { ModuleStatus, RunStatus } from "./states.js";
import { JobView, ModuleErrorView, ProgressClockView, RunLogView, SnapshotRun } from "./views.js";

/** The current state, first on every connection: the active and recent runs, every open job. */
export const SnapshotMessage = z.object({
  type: z.literal("snapshot"),
  runs: z.array(SnapshotRun),
  jobs: z.array(JobView),
});
export type SnapshotMessage = z.infer<typeof SnapshotMessage>;

/** A run changed status. */
export const RunMessage = z.object({
  type: z.literal("run"),
  runId: z.string(),
  status: RunStatus,
  message: z.string().optional(),
});
export type RunMessage = z.infer<typeof RunMessage>;

/** A module of a run changed state (with its outputs once done, its error once failed). */
export const ModuleMessage = z.object({
  type: z.literal("module"),
  runId: z.string(),
  moduleId: z.string(),
  status: ModuleStatus,
  outputs: z.record(z.string(), z.unknown()).optional(),
  error: ModuleErrorView.optional(),
  progress: z.number().optional(),
  progressClock: ProgressClockView.optional(),
});
export type ModuleMessage = z.infer<typeof ModuleMessage>;

/** A job was created or changed (state, check, pause, interval). */
export const JobMessage = z.object({ type: z.literal("job"), job: JobView });
export type JobMessage = z.infer<typeof JobMessage>;

/** A job was removed from the list (`DELETE /api/jobs/:id`): views drop it. */
export const JobDeletedMessage = z.object({
  type: z.literal("job.deleted"),
  runId: z.string(),
  jobId: z.string(),
});
export type JobDeletedMessage = z.infer<typeof JobDeletedMessage>;

/** A line of a run's log. */
export const LogMessage = z.object({ type: z.literal("log"), entry: RunLogView });
export type LogMessage = z.infer<typeof LogMessage>;

/**
 * New readings of a running instrument job, in file order: bytes `offset` to `nextOffset` of its
 * data file. A client that fetched `GET /api/jobs/:id/data` up to N applies batches from N on.
 */
export const JobDataMessage = z.object({
  type: z.literal("job.data"),
  runId: z.string(),
  jobId: z.string(),
  offset: z.number(),
  nextOffset: z.number(),
  units: z.record(z.string(), z.string()),
  readings: z.array(Reading),
});
export type JobDataMessage = z.infer<typeof JobDataMessage>;

/** A pipeline changed (sample loaded or ejected, ready flag, claimed or released by a job). */
export const PipelineMessage = z.object({ type: z.literal("pipeline"), pipeline: PipelineStatusView });
export type PipelineMessage = z.infer<typeof PipelineMessage>;

/** The server-wide settings changed (from any tab or the CLI): their new values. */
export const SettingsMessage = z.object({ type: z.literal("settings"), settings: Settings });
export type SettingsMessage = z.infer<typeof SettingsMessage>;

export const ServerMessage = z.discriminatedUnion("type", [
  SnapshotMessage,
  RunMessage,
  ModuleMessage,
  JobMessage,
  JobDeletedMessage,
  LogMessage,
  JobDataMessage,
  PipelineMessage,
  SettingsMessage,
]);
export type ServerMessage = z.infer<typeof ServerMessage>;
export type ServerMessageType = ServerMessage["type"];
/** The message of one topic, e.g. `MessageOf<"job">`. */
export type MessageOf<T extends ServerMessageType> = Extract<ServerMessage, { type: T }>;

/**
 * Several messages in one frame (`?batch=1`): thousands of job checks a second cost a browser far
 * more as separate messages than as a few batches. Its messages are read one by one, so that one
 * a client cannot read does not cost it the others.
 */
export const BatchMessage = z.object({ type: z.literal("batch"), messages: z.array(z.unknown()) });
