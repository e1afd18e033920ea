/**
 * Bodies and answers of the pipeline and job data routes (`/api/pipelines...`,
 * `GET /api/jobs/:id/data`): shared by the server and the CLI. Pure zod and types, no Node imports.
 */
import { z } from "zod";
import type { JobState } from "../engine/records.js";

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
export interface SetAttributeAnswer {
  device: string;
  channel: string;
  attribute: string;
  value: number | string | boolean;
  forcedOver?: string;
}

export interface PipelineRoleView {
  device: string;
  channel: string;
  techniques: string[];
}

export interface PipelineStatusView {
  name: string;
  roles: Record<string, PipelineRoleView>;
  sample?: string;
  ready: boolean;
  /** The job holding the pipeline. */
  jobId?: string;
  updatedAt?: string;
}

/** `GET /api/pipelines` */
export interface PipelinesAnswer {
  /** false: the server runs without a devices file (`message` says how to give one). */
  configured: boolean;
  devicesFile?: string;
  /** Why the devices file was refused at start (a job holds a pipeline it drops or changes). */
  devicesFileRefused?: string;
  message?: string;
  pipelines: PipelineStatusView[];
}

/** `GET /api/jobs/:id/data` (JSON): the readings from `offset` on, with units. */
export interface JobDataAnswer {
  jobId: string;
  state: JobState;
  units: Record<string, string>;
  /** Quantities in the order first seen (besides `t`, ISO UTC). */
  quantities: string[];
  readings: { t: string; [quantity: string]: unknown }[];
  offset: number;
  /** Ask from here next time (or join `job.data` events from here): the end of what was read. */
  nextOffset: number;
  /** True when `maxPoints` left readings out (evenly spread, first and last kept). */
  decimated: boolean;
}
