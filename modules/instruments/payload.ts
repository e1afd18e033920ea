import { join } from "node:path";
import { z } from "zod";
import { defineModule } from "../sdk/define-module.js";
import { countReadings } from "../sdk/instrument-data.js";
import {
  ARCHIVE_NAME,
  appendJobLog,
  JOB_LOG_NAME,
  readInstrumentRecord,
  writeInstrumentRecord,
} from "../sdk/instrument-job-files.js";
import type { InstrumentAccess, InstrumentRequest, InstrumentTarget, TaskState } from "../sdk/instruments.js";
import { NO_DEVICES_MESSAGE, requireInstruments } from "../sdk/instruments.js";
import type { JobCheck, JobEnvironment, JobHandle } from "../sdk/job.js";
import { readFrom } from "../sdk/log-chunk.js";
import { ModuleError } from "../sdk/module-error.js";
import { port } from "../sdk/port.js";
import { CSV_NAME } from "./_archive.js";
import { checkWritesArchive, type Outcome, writeEndingResults } from "./_endings.js";
import { checkRequest } from "./_param-rules.js";
import { readProgress, stepDataFile, stepFolders, writeProgress } from "./_payload-progress.js";

const MAX_SECONDS = 366 * 24 * 3600;
const ROLE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

const StepParams = z.object({
  technique: z.string().min(1).default("acquire").describe("A capability of the role's driver"),
  params: z.record(z.string(), z.unknown()).default({}).describe("Parameters of the step, for the driver"),
  duration: z.number().positive().max(MAX_SECONDS).describe("How long the step runs, in seconds"),
  samplingInterval: z.number().min(0.001).max(3600).default(1).describe("Seconds between readings"),
});

const Step = z.object({
  technique: z.string(),
  params: z.record(z.string(), z.unknown()),
  durationMs: z.number().positive(),
  samplingMs: z.number().positive(),
});
type Step = z.infer<typeof Step>;

/** What the job persists (suspension is data): the request and every role's steps. */
const PayloadJob = z.object({
  request: z.object({ sample: z.string().optional(), pipeline: z.string().optional() }),
  roles: z.record(z.string(), z.array(Step)),
  reReady: z.boolean(),
  submittedAt: z.string().optional(),
});
type PayloadJob = z.infer<typeof PayloadJob>;

/**
 * tomato's payload: one job, one claim of a pipeline, a list of steps per role. Roles run in
 * parallel, the steps of a role one after the other, each a technique with its params on the
 * role's device (a heater ramps while a detector acquires). One data set per role, all in one
 * archive; cancel stops every role. It waits (qw) for a ready pipeline holding the sample whose
 * roles can run every step, exactly like instruments.Task.
 */
export default defineModule({
  type: "instruments.Payload",
  version: 1,
  label: "Instrument payload (several roles)",
  description:
    "Runs steps on several roles of one pipeline in one job: roles in parallel, each role's steps in sequence; outputs one data set per role and one archive.",
  inputs: {
    after: port.any("starts only once this value is ready", { optional: true }),
  },
  outputs: {
    archive: port.file("results.zip: one folder per role (data.csv, data.json), the job log, the workflow"),
    data: port.json("each role's data.csv (every reading of its steps, with units)"),
    readings: port.json("how many readings each role's steps made"),
  },
  params: z.object({
    roles: z
      .record(z.string().regex(ROLE, "a role name of the devices file"), z.array(StepParams).min(1))
      .refine((roles) => Object.keys(roles).length > 0, "give the steps of at least one role")
      .describe('Steps per role, e.g. { "heater": [{ "technique": "ramp", ... }], "detector": [...] }'),
    sample: z.string().min(1).optional().describe("The sample the pipeline must hold (empty: any sample)"),
    pipeline: z.string().min(1).optional().describe("Only this pipeline (empty: any that fits)"),
    reReady: z
      .boolean()
      .default(false)
      .describe("Mark the pipeline ready again when every role completed (never after a failure or cancel)"),
  }),
  // An acquisition is never served from the cache: each run measures.
  cache: "never",
  validate: (params, services) => checkRequest(requestOf(jobOf(params)), services, "roles"),
  job: {
    intervalMs: 500,
    state: PayloadJob,
    async start(ctx) {
      const instruments = requireInstruments(ctx.services);
      const job = { ...jobOf(ctx.params), submittedAt: new Date().toISOString() };
      const answer = instruments.claim(ctx.jobId, requestOf(job));
      if (answer.status === "impossible")
        throw new ModuleError(
          "instrument_request_impossible",
          `no pipeline can ever run this payload: ${answer.reason}`,
        );
      const roles = Object.entries(job.roles).map(
        ([role, steps]) => `${role}: ${steps.map((s) => s.technique).join(" -> ")}`,
      );
      appendJobLog(ctx.jobDir, `requested a payload (${roles.join("; ")})`);
      return job;
    },
    handle: (job, env) => payloadHandle(job, env),
    async finish(job, env) {
      await endWith(env, job, "completed", `completed: ${describeCounts(env.jobDir, job)}`);
    },
    async setResults(job, env) {
      const roles = Object.keys(job.roles);
      return {
        archive: join(env.jobDir, ARCHIVE_NAME),
        data: Object.fromEntries(roles.map((role) => [role, join(env.jobDir, role, CSV_NAME)])),
        readings: Object.fromEntries(roles.map((role) => [role, roleReadings(env.jobDir, job, role)])),
      };
    },
  },
});

function jobOf(params: {
  roles: Record<string, z.output<typeof StepParams>[]>;
  sample?: string;
  pipeline?: string;
  reReady: boolean;
}): PayloadJob {
  return {
    request: {
      ...(params.sample !== undefined ? { sample: params.sample } : {}),
      ...(params.pipeline !== undefined ? { pipeline: params.pipeline } : {}),
    },
    roles: Object.fromEntries(
      Object.entries(params.roles).map(([role, steps]) => [
        role,
        steps.map((s) => ({
          technique: s.technique,
          params: s.params,
          durationMs: s.duration * 1000,
          samplingMs: Math.max(1, Math.round(s.samplingInterval * 1000)),
        })),
      ]),
    ),
    reReady: params.reReady,
  };
}

/** The claim: the first role's first step, and every other step as `also`. */
function requestOf(job: PayloadJob): InstrumentRequest {
  const steps = Object.entries(job.roles).flatMap(([role, list]) => list.map((step) => ({ role, ...step })));
  const [first, ...rest] = steps;
  if (!first) throw new ModuleError("missing_param", "roles: give the steps of at least one role");
  return { ...job.request, ...first, also: rest };
}

type RoleState =
  | { role: string; status: "running"; step: number; readings: number }
  | { role: string; status: "done" }
  | { role: string; status: "failed"; step: number; state: TaskState };

function payloadHandle(job: PayloadJob, env: JobEnvironment): JobHandle {
  const { jobId, jobDir } = env;
  const instruments = env.services?.instruments;
  const roles = Object.keys(job.roles);
  const totalMs = Math.max(
    ...Object.values(job.roles).map((steps) => steps.reduce((n, s) => n + s.durationMs, 0)),
  );
  const targetsOf = (access: InstrumentAccess, pipeline: string) =>
    Object.fromEntries(roles.map((role) => [role, access.resolve(pipeline, role)]));

  /** Runs the role on: reports its step, starts the next one when a step completed. */
  async function advance(
    access: InstrumentAccess,
    role: string,
    target: InstrumentTarget,
  ): Promise<RoleState> {
    const steps = job.roles[role] ?? [];
    let progress = readProgress(jobDir, role);
    while (progress.step < steps.length) {
      const index = progress.step;
      const step = steps[index] as Step;
      const asked = progress.asked;
      if (!asked) {
        // Recorded before the driver is asked: a restart asks about this task instead of starting another.
        progress = { ...progress, asked: true };
        writeProgress(jobDir, role, progress);
        appendJobLog(
          jobDir,
          `${role}: step ${index + 1} (${step.technique}) starting on ${target.device}/${target.channel}`,
        );
      }
      const state = await access.runStep(
        jobId,
        `${role}.${index + 1}`,
        target,
        specOf(role, index, step),
        asked,
      );
      if (state.state === "running")
        return { role, status: "running", step: index, readings: state.readings };
      if (state.state !== "completed") return { role, status: "failed", step: index, state };
      appendJobLog(
        jobDir,
        `${role}: step ${index + 1} (${step.technique}) completed: ${state.readings} readings`,
      );
      progress = { step: index + 1, asked: false, ended: [...progress.ended, state] };
      writeProgress(jobDir, role, progress);
    }
    return { role, status: "done" };
  }

  const specOf = (role: string, index: number, step: Step) => ({
    technique: step.technique,
    params: step.params,
    durationMs: step.durationMs,
    samplingMs: step.samplingMs,
    dataFile: stepDataFile(jobDir, role, index),
  });

  /** Stops the step each role runs now (cancel, or another role failed). */
  async function stopRunning(
    access: InstrumentAccess,
    targets: Record<string, InstrumentTarget>,
    except?: string,
  ) {
    const stopped: string[] = [];
    for (const role of roles) {
      const progress = readProgress(jobDir, role);
      const target = targets[role];
      if (role === except || !target || !progress.asked || progress.step >= (job.roles[role]?.length ?? 0))
        continue;
      const state = await access.stopStep(jobId, `${role}.${progress.step + 1}`, target);
      stopped.push(`${role} step ${progress.step + 1} ${state.state} after ${state.readings} readings`);
    }
    return stopped;
  }

  return {
    async check(): Promise<JobCheck> {
      if (!instruments) return { status: "failed", message: NO_DEVICES_MESSAGE };
      const answer = instruments.claim(jobId, requestOf(job));
      if (answer.status === "impossible") {
        await endWith(env, job, "failed", answer.reason);
        return { status: "failed", message: answer.reason };
      }
      if (answer.status === "waiting") return { status: "waiting", message: answer.reason };
      const targets = targetsOf(instruments, answer.pipeline);
      let record = readInstrumentRecord(jobDir);
      if (!record) {
        record = {
          pipeline: answer.pipeline,
          device: answer.device,
          channel: answer.channel,
          ...(answer.sample !== undefined ? { sample: answer.sample } : {}),
          claimedAt: new Date().toISOString(),
          startedAtMs: Date.now(),
          roles: targets,
        };
        writeInstrumentRecord(jobDir, record);
        appendJobLog(
          jobDir,
          `claimed pipeline ${answer.pipeline}${answer.sample ? ` holding sample "${answer.sample}"` : ""}`,
        );
      }
      const states = await Promise.all(
        roles.map((role) => advance(instruments, role, targets[role] as InstrumentTarget)),
      );
      const failed = states.find((s) => s.status === "failed");
      if (failed?.status === "failed") {
        const why = `${failed.role} step ${failed.step + 1} ${failed.state.state === "stopped" ? "was stopped on the instrument" : "failed"} after ${failed.state.readings} readings${failed.state.message ? `: ${failed.state.message}` : ""}`;
        const stopped = await stopRunning(instruments, targets, failed.role);
        instruments.release(jobId, "failed", false);
        const message = stopped.length > 0 ? `${why}; stopped the other roles (${stopped.join(", ")})` : why;
        appendJobLog(jobDir, message);
        if (checkWritesArchive(failed.state.state)) await endWith(env, job, "failed", message);
        return { status: "failed", message };
      }
      if (states.every((s) => s.status === "done")) {
        instruments.release(jobId, "completed", job.reReady);
        const counts = describeCounts(jobDir, job);
        appendJobLog(jobDir, `completed: ${counts}${job.reReady ? "; pipeline ready again" : ""}`);
        return { status: "finished", message: `${counts} on ${answer.pipeline}` };
      }
      const elapsed = Date.now() - (record.startedAtMs ?? Date.now());
      const message = states
        .map((s) =>
          s.status === "running"
            ? `${s.role}: step ${s.step + 1}/${job.roles[s.role]?.length}, ${s.readings} readings`
            : `${s.role}: done`,
        )
        .join("; ");
      return { status: "running", progress: Math.min(0.999, Math.max(0, elapsed / totalMs)), message };
    },
    async cancel(reason = "cancelled") {
      if (!instruments) return;
      const what = reason === "failed" ? "stopped after the job failed" : "cancelled";
      const record = readInstrumentRecord(jobDir);
      let why = `${what} while waiting for a pipeline`;
      if (record) {
        const stopped = await stopRunning(instruments, targetsOf(instruments, record.pipeline));
        why = `${what}${stopped.length > 0 ? `: ${stopped.join(", ")}` : ""}`;
      }
      appendJobLog(jobDir, why);
      instruments.release(jobId, reason, false);
      await endWith(env, job, reason === "failed" ? "failed" : "cancelled", why);
    },
    async stdout(offset) {
      return readFrom(join(jobDir, JOB_LOG_NAME), offset);
    },
  };
}

function roleReadings(jobDir: string, job: PayloadJob, role: string): number {
  const steps = job.roles[role]?.length ?? 0;
  return Array.from({ length: steps }, (_, i) => countReadings(stepDataFile(jobDir, role, i))).reduce(
    (a, b) => a + b,
    0,
  );
}

function describeCounts(jobDir: string, job: PayloadJob): string {
  return Object.keys(job.roles)
    .map((role) => `${role} ${roleReadings(jobDir, job, role)} readings`)
    .join(", ");
}

/** The results of any ending: one data set per role, in one archive. */
function endWith(env: JobEnvironment, job: PayloadJob, outcome: Outcome, reason: string): Promise<void> {
  const record = readInstrumentRecord(env.jobDir);
  const roles = Object.keys(job.roles);
  return writeEndingResults({
    jobId: env.jobId,
    jobDir: env.jobDir,
    job,
    outcome,
    reason,
    devices: roles.flatMap((role) => {
      const target = record?.roles?.[role];
      return target ? [{ role, ...target }] : [];
    }),
    dataSets: roles.map((role) => ({
      name: role,
      folders: stepFolders(env.jobDir, role, job.roles[role]?.length ?? 0),
    })),
  });
}
