/**
 * Pipelines and job data as the server shows them (docs/api.md, "Pipelines" and "Job data"). The
 * client keeps its own copy of these shapes: it may not import the server's API schema.
 */

/** A role of a pipeline: the device channel that plays it and what its driver can do. */
export interface PipelineRoleView {
  device: string;
  channel: string;
  techniques: string[];
}

/** A pipeline with the sample, ready flag and job it holds. */
export interface PipelineView {
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
  message?: string;
  pipelines: PipelineView[];
}

/** One reading: `t` (ISO UTC) and a value per quantity. */
export interface Reading {
  t: string;
  [quantity: string]: unknown;
}

/** `GET /api/jobs/:id/data`: the readings from byte `offset` of the job's data file on. */
export interface JobDataAnswer {
  jobId: string;
  state: string;
  units: Record<string, string>;
  quantities: string[];
  readings: Reading[];
  offset: number;
  nextOffset: number;
}

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
