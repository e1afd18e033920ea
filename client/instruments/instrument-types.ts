/**
 * Pipelines and job data as the server shows them (docs/api.md, "Pipelines" and "Job data"). The
 * answers' shapes are the server's own (server/schema/pipelines-api.ts, types only, erased from the
 * bundle); the `job.data` event is copied here because its type lives in the engine, which the
 * client may not import.
 */
import type {
  PipelineStatusView,
  JobDataAnswer as ServerJobDataAnswer,
} from "../../server/schema/pipelines-api.js";

export type { PipelineRoleView, PipelinesAnswer } from "../../server/schema/pipelines-api.js";

/** A pipeline with the sample, ready flag and job it holds. */
export type PipelineView = PipelineStatusView;

/** One reading: `t` (ISO UTC) and a value per quantity. */
export interface Reading {
  t: string;
  [quantity: string]: unknown;
}

/**
 * `GET /api/jobs/:id/data[?maxPoints=N]`: the readings from byte `offset` of the job's data file on.
 * `decimated` is true when the server sent evenly spaced readings instead of all of them; a server
 * that does not know `maxPoints` leaves it out and sends every reading (in parts).
 */
export type JobDataAnswer = Omit<ServerJobDataAnswer, "decimated"> & { decimated?: boolean };

/** The `job.data` WebSocket event: bytes `offset` to `nextOffset` of a running job's data file. */
export interface JobDataEvent {
  type: "job.data";
  runId: string;
  jobId: string;
  offset: number;
  nextOffset: number;
  units: Record<string, string>;
  readings: Reading[];
}

/** Module types whose jobs keep a data file (and get a live plot). */
export const hasJobData = (moduleType: string): boolean => moduleType.startsWith("instruments.");
