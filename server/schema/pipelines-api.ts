/**
 * Bodies and answers of the pipeline and job data routes (`/api/pipelines...`,
 * `GET /api/jobs/:id/data`): shared by the server, the CLI and the client. Pure zod, no Node imports.
 */
import { z } from "zod";
import { JobState } from "./states.js";

/** `POST /api/pipelines/:name/load` */
export const LoadSampleRequest = z.strictObject({
  sample: z.string().trim().min(1).max(200),
});

/** `POST /api/pipelines/:name/ready`; an empty body marks it ready. */
export const ReadyRequest = z.strictObject({ ready: z.boolean().default(true) });

/**
 * `GET /api/jobs/:id/data?format=json|csv&offset=N&maxPoints=M` (offset in bytes of the data file,
 * for incremental reads; maxPoints: the readings from offset to the end, evenly decimated to at
 * most M).
 */
export const JobDataQuery = z.object({
  format: z.enum(["json", "csv"]).default("json"),
  offset: z.coerce.number().int().min(0).default(0),
  maxPoints: z.coerce.number().int().min(2).max(1_000_000).optional(),
});

/** `POST /api/devices/:device/attributes/:name` */
export const SetAttributeRequest = z.strictObject({
  value: z.union([z.number(), z.string(), z.boolean()]),
  channel: z.string().min(1).default("1"),
  /** Set it even while a job uses the channel (recorded in the job's log and data). */
  force: z.boolean().default(false),
});

/** The answer of a setting: the value set, and the job it was forced over, if any. */
export const SetAttributeAnswer = z.object({
  device: z.string(),
  channel: z.string(),
  attribute: z.string(),
  value: z.union([z.number(), z.string(), z.boolean()]),
  forcedOver: z.string().optional(),
});
export type SetAttributeAnswer = z.infer<typeof SetAttributeAnswer>;

export const PipelineRoleView = z.object({
  device: z.string(),
  channel: z.string(),
  techniques: z.array(z.string()),
});
export type PipelineRoleView = z.infer<typeof PipelineRoleView>;

/** A pipeline with the sample, ready flag and job it holds. */
export const PipelineStatusView = z.object({
  name: z.string(),
  roles: z.record(z.string(), PipelineRoleView),
  sample: z.string().optional(),
  ready: z.boolean(),
  /** The job holding the pipeline. */
  jobId: z.string().optional(),
  updatedAt: z.string().optional(),
});
export type PipelineStatusView = z.infer<typeof PipelineStatusView>;

/** `GET /api/pipelines` */
export const PipelinesAnswer = z.object({
  /** false: the server runs without a devices file (`message` says how to give one). */
  configured: z.boolean(),
  devicesFile: z.string().optional(),
  /** Why the devices file was refused at start (a job holds a pipeline it drops or changes). */
  devicesFileRefused: z.string().optional(),
  message: z.string().optional(),
  pipelines: z.array(PipelineStatusView),
});
export type PipelinesAnswer = z.infer<typeof PipelinesAnswer>;

/** One reading: `t` (ISO UTC) and a value per quantity. */
export const Reading = z.looseObject({ t: z.string() });
export type Reading = z.infer<typeof Reading>;

/** `GET /api/jobs/:id/data` (JSON): the readings from `offset` on, with units. */
export const JobDataAnswer = z.object({
  jobId: z.string(),
  state: JobState,
  units: z.record(z.string(), z.string()),
  /** Quantities in the order first seen (besides `t`, ISO UTC). */
  quantities: z.array(z.string()),
  readings: z.array(Reading),
  offset: z.number(),
  /** Ask from here next time (or join `job.data` events from here): the end of what was read. */
  nextOffset: z.number(),
  /**
   * True when `maxPoints` left readings out (evenly spread, first and last kept). This server always
   * says; a server older than `maxPoints` left it out and sent every reading (in parts).
   */
  decimated: z.boolean().optional(),
});
export type JobDataAnswer = z.infer<typeof JobDataAnswer>;
