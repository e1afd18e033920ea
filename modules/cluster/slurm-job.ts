import { appendFileSync, existsSync, mkdirSync } from "node:fs";
import { basename, join, posix } from "node:path";
import { z } from "zod";
import type { ClusterSession } from "../sdk/clusters.js";
import { defineModule } from "../sdk/define-module.js";
import type { JobCheck, JobEnvironment, JobHandle } from "../sdk/job.js";
import { readFrom } from "../sdk/log-chunk.js";
import { ModuleError } from "../sdk/module-error.js";
import { port } from "../sdk/port.js";
import { batchScript, MARKERS, userScript } from "./_batch-script.js";
import {
  isLoginProblem,
  isUnreachable,
  type LocalRecord,
  readRecord,
  requireClusters,
  SlurmJobParams,
  sessionOf,
  writeRecord,
} from "./_job-record.js";
import { checkPatterns, downloadOutputs, forgetTransfer, stderrTail } from "./_outputs.js";
import { checkOf, outcomeOf } from "./_slurm-states.js";
import {
  cancelSubmission,
  findEarlierSubmission,
  forgetSubmission,
  submitInBackground,
  submitOnce,
} from "./_submission.js";

const positive = z.number().int().positive();

/**
 * A batch job on a Slurm cluster of the clusters file, through slurmrestd: workspace files go up,
 * the script is submitted once (its labflow key in the job's comment), the monitor follows it in
 * one request per cluster and user, and its outputs come back into the job's folder.
 */
export default defineModule({
  type: "cluster.SlurmJob",
  version: 1,
  label: "Slurm job",
  description:
    "Runs a batch script on a Slurm cluster (clusters file + `labflow cluster login`), uploading inputs and downloading results; survives restarts.",
  inputs: {
    input: port.any("a value for the script, as JSON in the environment variable LABFLOW_INPUT", {
      optional: true,
    }),
    file: port.file("a file uploaded into the job's folder, beside the `upload` list", { optional: true }),
  },
  outputs: {
    exitCode: port.number("the script's exit code (0)"),
    state: port.string("Slurm's final state (COMPLETED)"),
    stdout: port.file("the job's standard output"),
    stderr: port.file("the job's standard error"),
    files: port.json("the downloaded files (paths), matching `download`"),
    file: port.file("the first downloaded file (the stdout file when `download` matched none)"),
  },
  params: z
    .object({
      // `choices`: the server offers the configured clusters' names in the editor (a select).
      cluster: z.string().min(1).meta({ description: "A cluster of the clusters file", choices: "clusters" }),
      user: z.string().min(1).optional().describe("Who submits (default: the cluster's only login)"),
      script: z.string().min(1).optional().describe("The batch script (a shebang line, or bash)"),
      runnable: z.string().min(1).optional().describe("A program to run instead of a script"),
      args: z.array(z.string()).default([]).describe("Arguments of the runnable"),
      name: z.string().min(1).max(200).optional().describe("Slurm job name (default: the module id)"),
      partition: z.string().min(1).optional().describe("Partition (default: the cluster's)"),
      timeLimit: positive.optional().describe("Time limit in minutes"),
      nodes: positive.optional().describe("Nodes"),
      cpusPerTask: positive.optional().describe("CPUs per task"),
      memory: positive.optional().describe("Memory per node in MB"),
      environment: z.record(z.string(), z.string()).default({}).describe("Environment variables of the job"),
      upload: z.array(z.string().min(1)).default([]).describe("Workspace files sent into the job's folder"),
      download: z
        .array(z.string().min(1))
        .default([])
        .describe("Files fetched from the job's folder after it completed (globs, e.g. out/*.csv)"),
    })
    .refine((p) => (p.script === undefined) !== (p.runnable === undefined), {
      message: "give either script or runnable (with args)",
      path: ["script"],
    }),
  job: {
    intervalMs: 5_000,
    state: SlurmJobParams,
    async start(ctx) {
      const clusters = requireClusters(ctx.services);
      const { params } = ctx;
      if (!clusters.names().includes(params.cluster))
        throw new ModuleError(
          "cluster_unknown",
          `no cluster "${params.cluster}" is configured (known: ${clusters.names().join(", ") || "none"})`,
        );
      checkPatterns(params.download);
      const locals = params.upload.map((path) => ctx.workspace.resolve(path));
      if (ctx.inputs.file) locals.push(ctx.inputs.file);
      for (const local of locals)
        if (!existsSync(local))
          throw new ModuleError("file_missing", `upload: ${local} does not exist`, { port: "upload" });
      const key = ctx.jobId.replace(/[^A-Za-z0-9._-]/g, "_");
      // The folder name needs no session: the login may come later (the job then waits for it).
      const folder = clusters.jobFolder(params.cluster, key);
      const environment: Record<string, string> = {
        ...params.environment,
        LABFLOW_JOB_ID: ctx.jobId,
        LABFLOW_RUN_ID: ctx.runId,
      };
      if (ctx.inputs.input !== undefined) environment.LABFLOW_INPUT = JSON.stringify(ctx.inputs.input);
      const job: SlurmJobParams = {
        cluster: params.cluster,
        ...(params.user !== undefined ? { user: params.user } : {}),
        key: ctx.jobId,
        folder,
        submission: {
          name: params.name ?? ctx.moduleId,
          comment: `labflow:${ctx.jobId}`,
          script: batchScript(folder, ctx.jobId, userScript(params.script, params.runnable, params.args)),
          cwd: folder,
          stdout: posix.join(folder, "stdout"),
          stderr: posix.join(folder, "stderr"),
          environment,
          ...(params.partition !== undefined ? { partition: params.partition } : {}),
          ...(params.timeLimit !== undefined ? { timeLimitMinutes: params.timeLimit } : {}),
          ...(params.nodes !== undefined ? { nodes: params.nodes } : {}),
          ...(params.cpusPerTask !== undefined ? { cpusPerTask: params.cpusPerTask } : {}),
          ...(params.memory !== undefined ? { memoryMb: params.memory } : {}),
        },
        uploads: locals.map((local) => ({ local, remote: posix.join(folder, basename(local)) })),
        download: params.download,
      };
      try {
        const session = clusters.session(params.cluster, params.user);
        if (job.uploads.length > 0) {
          // Files to send: the checks send them, telling the bytes, then submit (see the handle).
          const earlier = await findEarlierSubmission(session, job, ctx.jobDir, ctx.log);
          return earlier ? { ...job, slurmJobId: earlier.slurmJobId } : job;
        }
        const record = await submitOnce(session, job, ctx.jobDir, ctx.log);
        return { ...job, slurmJobId: record.slurmJobId };
      } catch (error) {
        // Not logged in (or expired), or the cluster is away: the job waits and submits later.
        if (isLoginProblem(error) || isUnreachable(error)) {
          ctx.log(`not submitted yet: ${error.message}`);
          return job;
        }
        throw error;
      }
    },
    handle(job, env) {
      return slurmHandle(job, env);
    },
    setResults(_job, env) {
      const final = readRecord(env.jobDir)?.final;
      const files = final?.files ?? [];
      return {
        exitCode: final?.exitCode ?? 0,
        state: final?.state ?? "COMPLETED",
        stdout: join(env.jobDir, "stdout"),
        stderr: join(env.jobDir, "stderr"),
        files,
        file: files[0] ?? join(env.jobDir, "stdout"),
      };
    },
  },
});

function slurmHandle(job: SlurmJobParams, env: JobEnvironment): JobHandle {
  const { jobDir, jobId } = env;
  const log = (message: string) => appendLog(jobDir, message);
  const session = (): ClusterSession => sessionOf(env.services, job);
  const remote = (name: "stdout" | "stderr") => job.submission[name];

  /** The submission, or the check's answer while files are sent (or the login is awaited). */
  async function submitted(s: ClusterSession): Promise<LocalRecord | JobCheck> {
    const known = readRecord(jobDir);
    if (known) return known;
    const submission = submitInBackground(s, job, jobId, jobDir, log);
    // Most submissions (and refusals: no login, an expired one) end within moments: answer with
    // their outcome rather than flicker through "running". An upload of any size outlasts this.
    await Promise.race([submission.ended, new Promise((resolve) => setTimeout(resolve, 150))]);
    if (submission.error !== undefined) {
      forgetSubmission(jobId);
      throw submission.error;
    }
    if (submission.result) {
      forgetSubmission(jobId);
      return submission.result;
    }
    return {
      status: "running",
      ...(submission.total > 0 ? { progress: Math.min(0.999, submission.done / submission.total) } : {}),
      message:
        job.uploads.length > 0
          ? `uploading to cluster "${s.cluster}": ${submission.done} of ${submission.total} bytes`
          : `submitting to cluster "${s.cluster}"`,
      nextCheckMs: 500,
    };
  }

  async function check(): Promise<JobCheck> {
    const s = session();
    const record = await submitted(s);
    if ("status" in record) return record;
    if (record.final?.files)
      return { status: "finished", message: `Slurm job ${record.slurmJobId} COMPLETED` };
    if (record.final?.state === "COMPLETED") return fetchOutputs(s, record);
    const info = await s.status(record.slurmJobId, record.submittedAtMs);
    if (!info) return settleForgotten(s, record);
    const outcome = outcomeOf(info);
    if (outcome.kind === "completed") {
      writeRecord(jobDir, { ...record, final: { state: info.state, exitCode: 0 } });
      return fetchOutputs(s, record);
    }
    if (outcome.kind === "failed" || outcome.kind === "cancelled") {
      writeRecord(jobDir, {
        ...record,
        final: {
          state: info.state,
          ...(outcome.kind === "failed" && outcome.exitCode !== undefined
            ? { exitCode: outcome.exitCode }
            : {}),
        },
      });
      return checkOf(outcome, await stderrTail(s, job));
    }
    return checkOf(outcome);
  }

  /** Slurm forgot the job (it ended more than MinJobAge ago): the batch script's exit file tells. */
  async function settleForgotten(s: ClusterSession, record: LocalRecord): Promise<JobCheck> {
    const text = await s.readSmall(posix.join(job.folder, MARKERS.exit));
    const code = text === undefined ? Number.NaN : Number(text.trim());
    const id = `Slurm job ${record.slurmJobId}`;
    if (!Number.isInteger(code))
      return {
        status: "failed",
        message: `${id} is no longer listed by Slurm and left no exit status: it was killed, timed out or cancelled while labflow was not looking`,
      };
    if (code === 0) {
      writeRecord(jobDir, { ...record, final: { state: "COMPLETED", exitCode: 0 } });
      return fetchOutputs(s, record);
    }
    writeRecord(jobDir, { ...record, final: { state: "FAILED", exitCode: code } });
    const tail = await stderrTail(s, job);
    return {
      status: "failed",
      message: `${id} FAILED (ended while labflow was away), exit code ${code}${tail ? `: ${tail}` : ""}`,
    };
  }

  function fetchOutputs(s: ClusterSession, record: LocalRecord): JobCheck {
    const transfer = downloadOutputs(s, job, jobId, jobDir);
    if (transfer.result) {
      forgetTransfer(jobId);
      const current = readRecord(jobDir) ?? record;
      writeRecord(jobDir, {
        ...current,
        final: {
          state: current.final?.state ?? "COMPLETED",
          exitCode: current.final?.exitCode ?? 0,
          files: transfer.result,
        },
      });
      log(`downloaded ${transfer.result.length} files (${transfer.done} bytes with stdout and stderr)`);
      return { status: "finished", message: `Slurm job ${record.slurmJobId} COMPLETED, exit code 0` };
    }
    if (transfer.error) {
      forgetTransfer(jobId);
      throw transfer.error;
    }
    return {
      status: "running",
      ...(transfer.total > 0 ? { progress: Math.min(0.999, transfer.done / transfer.total) } : {}),
      message: `Slurm job ${record.slurmJobId} COMPLETED; downloading ${transfer.done} of ${transfer.total} bytes`,
      nextCheckMs: 500,
    };
  }

  return {
    async check() {
      try {
        return await check();
      } catch (error) {
        // A person logs in again (or the cluster comes back); the work on the cluster goes on.
        if (isLoginProblem(error) || isUnreachable(error))
          return { status: "waiting", message: error.message };
        throw error;
      }
    },
    async stdout(offset) {
      return readRemote("stdout", offset);
    },
    async stderr(offset) {
      return readRemote("stderr", offset);
    },
    async cancel(reason = "cancelled") {
      const record = readRecord(jobDir);
      if (!record) {
        cancelSubmission(jobId);
        log(`${reason === "failed" ? "stopped" : "cancelled"} before it was submitted`);
        return;
      }
      const s = session();
      const id = record.slurmJobId;
      try {
        await s.cancel(id);
      } catch (error) {
        // Slurm no longer knows it: it ended long ago, nothing runs.
        if (error instanceof ModuleError && /Invalid job id/i.test(error.message)) {
          log(`cancel: Slurm job ${id} had already ended and been forgotten`);
          return;
        }
        throw error;
      }
      // Cancelled only once Slurm says the job ended (a running job takes a moment to be killed).
      const deadline = Date.now() + 10_000;
      for (;;) {
        const info = await s.status(id, Date.now());
        const kind = info ? outcomeOf(info).kind : "gone";
        if (kind !== "queued" && kind !== "running") {
          log(`cancel: Slurm job ${id} is ${info?.state ?? "no longer listed"}`);
          return;
        }
        if (Date.now() > deadline)
          throw new ModuleError(
            "slurm_cancel_pending",
            `Slurm has not cancelled job ${id} yet (it is ${info?.state}); labflow asks again at the next check`,
          );
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    },
  };

  async function readRemote(name: "stdout" | "stderr", offset: number) {
    const local = join(jobDir, name);
    // Once fetched, the local copy answers (Slurm and its files may be gone by then).
    if (readRecord(jobDir)?.final?.files && existsSync(local)) return readFrom(local, offset);
    if (!readRecord(jobDir)) return { text: "", nextOffset: offset };
    return session().read(remote(name), offset);
  }
}

/** The job's own log, beside its stdout and stderr; never holds a secret. */
function appendLog(jobDir: string, message: string): void {
  mkdirSync(jobDir, { recursive: true });
  appendFileSync(join(jobDir, "labflow.log"), `${new Date().toISOString()} ${message}\n`);
}
