import { join } from "node:path";
import { z } from "zod";
import { defineModule } from "../sdk/define-module.js";
import {
  countReadings,
  dataFileOf,
  decimatedReadings,
  quantitiesOf,
  readUnits,
  toTable,
} from "../sdk/instrument-data.js";
import {
  ARCHIVE_NAME,
  appendJobLog,
  JOB_LOG_NAME,
  readInstrumentRecord,
  writeInstrumentRecord,
} from "../sdk/instrument-job-files.js";
import type { InstrumentAccess, InstrumentRequest, InstrumentTarget, TaskSpec } from "../sdk/instruments.js";
import { NO_DEVICES_MESSAGE, requireInstruments } from "../sdk/instruments.js";
import type { JobCheck, JobEnvironment, JobHandle } from "../sdk/job.js";
import { readFrom } from "../sdk/log-chunk.js";
import { ModuleError } from "../sdk/module-error.js";
import { port } from "../sdk/port.js";
import { CSV_NAME } from "./_archive.js";
import { checkWritesArchive, completedReason, type Outcome, writeEndingResults } from "./_endings.js";
import { checkRequest, taskRequest } from "./_param-rules.js";

const MAX_SECONDS = 366 * 24 * 3600;
/**
 * Rows of the `preview` output. Outputs go into the run's cache, its events and `GET /api/runs/:id`:
 * they must not grow with the acquisition, so every reading is in the `data` file, not in a table.
 */
const PREVIEW_ROWS = 1_000;

/** What the job persists: the request and the task, nothing else (suspension is data). */
const TaskJob = z.object({
  request: z.object({
    role: z.string(),
    technique: z.string(),
    sample: z.string().optional(),
    pipeline: z.string().optional(),
  }),
  taskParams: z.record(z.string(), z.unknown()),
  durationMs: z.number().positive(),
  samplingMs: z.number().positive(),
  reReady: z.boolean(),
  /** When the job was submitted (jobs started before this was kept have none). */
  submittedAt: z.string().optional(),
});
type TaskJob = z.infer<typeof TaskJob>;

/**
 * An acquisition on an instrument, as a job: it waits (qw) until a pipeline whose role can do the
 * technique holds the sample and is ready, runs the task on the driver (which appends readings to
 * the job's data file, also while the server is down), and outputs the dataset with units.
 */
export default defineModule({
  type: "instruments.Task",
  version: 2,
  label: "Instrument task",
  description:
    "Runs a technique (e.g. acquire) on a pipeline's device for a duration, as a job that waits for a ready pipeline holding the sample and survives restarts; outputs the data with units.",
  inputs: {
    after: port.any("starts only once this value is ready (e.g. a setpoint that was set)", {
      optional: true,
    }),
  },
  outputs: {
    data: port.file("data.csv: every reading, t (ISO UTC) and one column per quantity with its unit"),
    preview: port.table(
      `at most ${PREVIEW_ROWS} readings evenly spread over the acquisition (first and last included), with units`,
    ),
    readings: port.number("how many readings the acquisition made"),
    archive: port.file("results.zip: data as CSV and JSON, the job log, the workflow"),
  },
  params: {
    role: z.string().min(1).describe("The pipeline role whose device runs the task, e.g. sensor"),
    technique: z.string().min(1).default("acquire").describe("A capability of the device's driver"),
    sample: z.string().min(1).optional().describe("The sample the pipeline must hold (empty: any sample)"),
    pipeline: z.string().min(1).optional().describe("Only this pipeline (empty: any that fits)"),
    taskParams: z
      .record(z.string(), z.unknown())
      .default({})
      .describe("Parameters of the task, for the driver"),
    duration: z
      .number()
      .positive()
      .max(MAX_SECONDS)
      .default(10)
      .describe("How long the task runs, in seconds"),
    samplingInterval: z.number().min(0.001).max(3600).default(1).describe("Seconds between readings"),
    reReady: z
      .boolean()
      .default(false)
      .describe("Mark the pipeline ready again when the task completes (never after a failure or cancel)"),
  },
  // Each run acquires anew: the sample and the instrument are not what they were last time.
  cache: "never",
  validate: (params, services) => checkRequest(taskRequest(params), services),
  job: {
    intervalMs: 500,
    state: TaskJob,
    async start(ctx) {
      const instruments = requireInstruments(ctx.services);
      const { role, technique, sample, pipeline } = ctx.params;
      const request: InstrumentRequest = {
        role,
        technique,
        ...(sample !== undefined ? { sample } : {}),
        ...(pipeline !== undefined ? { pipeline } : {}),
      };
      const answer = instruments.claim(ctx.jobId, taskRequest(ctx.params));
      if (answer.status === "impossible") {
        throw new ModuleError(
          "instrument_request_impossible",
          `no pipeline can ever run this task: ${answer.reason}`,
        );
      }
      appendJobLog(ctx.jobDir, `requested ${describe(request)}`);
      return {
        request,
        taskParams: ctx.params.taskParams,
        durationMs: ctx.params.duration * 1000,
        samplingMs: ctx.params.samplingInterval * 1000,
        reReady: ctx.params.reReady,
        submittedAt: new Date().toISOString(),
      } satisfies TaskJob;
    },
    handle: taskHandle,
    async finish(job, env) {
      await writeEndingResults({ ...env, job, outcome: "completed", reason: completedReason(env.jobDir) });
    },
    async setResults(_job, env) {
      const file = dataFileOf(env.jobDir);
      const units = readUnits(env.jobDir);
      const { readings } = await decimatedReadings(file, 0, PREVIEW_ROWS);
      return {
        data: join(env.jobDir, CSV_NAME),
        preview: toTable({ units, quantities: quantitiesOf(readings), readings, nextOffset: 0 }),
        readings: countReadings(file),
        archive: join(env.jobDir, ARCHIVE_NAME),
      };
    },
  },
});

function taskHandle(job: TaskJob, env: JobEnvironment): JobHandle {
  const { jobId, jobDir } = env;
  const instruments = env.services?.instruments;
  const spec = (): TaskSpec => ({
    technique: job.request.technique,
    params: job.taskParams,
    durationMs: job.durationMs,
    samplingMs: Math.max(1, Math.round(job.samplingMs)),
    dataFile: dataFileOf(jobDir),
  });
  const ended = (outcome: Outcome, reason: string) =>
    writeEndingResults({ jobId, jobDir, job, outcome, reason });
  return {
    async check(): Promise<JobCheck> {
      if (!instruments) return { status: "failed", message: NO_DEVICES_MESSAGE };
      const asked = {
        ...job.request,
        params: job.taskParams,
        durationMs: job.durationMs,
        samplingMs: spec().samplingMs,
      };
      const target = claimTarget(instruments, jobId, asked, jobDir);
      if (typeof target === "object" && "status" in target) {
        if (target.status === "failed") await ended("failed", target.message ?? "failed");
        return target;
      }
      let record = readInstrumentRecord(jobDir);
      if (record && record.startedAtMs === undefined) {
        record = { ...record, startedAtMs: Date.now() };
        writeInstrumentRecord(jobDir, record);
        appendJobLog(jobDir, `starting ${job.request.technique} on ${target.device}/${target.channel}`);
      }
      const state = await instruments.startTask(jobId, target, spec());
      const where = `${record?.pipeline ?? "?"} (${target.device}/${target.channel})`;
      if (state.state === "running") {
        const elapsed = Date.now() - (record?.startedAtMs ?? Date.now());
        return {
          status: "running",
          progress: Math.min(0.999, Math.max(0, elapsed / job.durationMs)),
          message: `${state.readings} readings on ${where}`,
        };
      }
      if (state.state === "completed") {
        instruments.release(jobId, "completed", job.reReady);
        appendJobLog(
          jobDir,
          `completed: ${state.readings} readings${job.reReady ? "; pipeline ready again" : ""}`,
        );
        return { status: "finished", message: `${state.readings} readings on ${where}` };
      }
      instruments.release(jobId, "failed", false);
      const why =
        state.state === "stopped"
          ? `the task was stopped on the instrument after ${state.readings} readings`
          : `the task failed after ${state.readings} readings: ${state.message ?? "no reason given"}`;
      appendJobLog(jobDir, why);
      if (checkWritesArchive(state.state)) await ended("failed", why);
      return { status: "failed", message: why };
    },
    async cancel(reason = "cancelled") {
      if (!instruments) return;
      // A job the monitor failed (unreachable checks) is stopped too: its claim is released as
      // failed, and the pipeline is never made ready again.
      const what = reason === "failed" ? "stopped after the job failed" : "cancelled";
      const record = readInstrumentRecord(jobDir);
      let why = `${what} while waiting for a pipeline`;
      if (record) {
        const state = await instruments.stopTask(jobId, { device: record.device, channel: record.channel });
        why = `${what}: the task is ${state.state} after ${state.readings} readings`;
      }
      appendJobLog(jobDir, why);
      instruments.release(jobId, reason, false);
      await ended(reason === "failed" ? "failed" : "cancelled", why);
    },
    async stdout(offset) {
      return readFrom(join(jobDir, JOB_LOG_NAME), offset);
    },
  };
}

/** The claimed device channel, or the check answer while waiting (or when it never could run). */
function claimTarget(
  instruments: InstrumentAccess,
  jobId: string,
  request: InstrumentRequest,
  jobDir: string,
): InstrumentTarget | JobCheck {
  const answer = instruments.claim(jobId, request);
  if (answer.status === "impossible") return { status: "failed", message: answer.reason };
  if (answer.status === "waiting") return { status: "waiting", message: answer.reason };
  if (!readInstrumentRecord(jobDir)) {
    writeInstrumentRecord(jobDir, {
      pipeline: answer.pipeline,
      device: answer.device,
      channel: answer.channel,
      ...(answer.sample !== undefined ? { sample: answer.sample } : {}),
      claimedAt: new Date().toISOString(),
    });
    appendJobLog(
      jobDir,
      `claimed pipeline ${answer.pipeline}${answer.sample ? ` holding sample "${answer.sample}"` : ""}`,
    );
  }
  return { device: answer.device, channel: answer.channel };
}

function describe(request: InstrumentRequest): string {
  return [
    `role "${request.role}"`,
    `technique "${request.technique}"`,
    request.sample !== undefined ? `sample "${request.sample}"` : "any sample",
    request.pipeline !== undefined ? `pipeline "${request.pipeline}"` : "any pipeline",
  ].join(", ");
}
