/**
 * A Slurm job's life outside labflow, step by step: submitted once (found again by its key after a
 * crash), followed, its files fetched. What the handle learns is written to the job's local folder
 * (`slurm.json`), so any later process knows the Slurm job id and final state without asking.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join, posix } from "node:path";
import { z } from "zod";
import type { ClusterAccess, ClusterSession } from "../sdk/clusters.js";
import type { ModuleServices } from "../sdk/instruments.js";
import { ModuleError } from "../sdk/module-error.js";
import { MARKERS } from "./_batch-script.js";

export const SlurmJobParams = z.object({
  cluster: z.string(),
  user: z.string().optional(),
  key: z.string(),
  folder: z.string(),
  submission: z.object({
    name: z.string(),
    comment: z.string(),
    script: z.string(),
    cwd: z.string(),
    stdout: z.string(),
    stderr: z.string(),
    environment: z.record(z.string(), z.string()),
    partition: z.string().optional(),
    timeLimitMinutes: z.number().optional(),
    nodes: z.number().optional(),
    cpusPerTask: z.number().optional(),
    memoryMb: z.number().optional(),
  }),
  /** Local files (absolute) and where they go in the job's remote folder. */
  uploads: z.array(z.object({ local: z.string(), remote: z.string() })),
  /** Patterns of files to fetch from the remote folder once the job completed. */
  download: z.array(z.string()),
  slurmJobId: z.number().int().positive().optional(),
});
export type SlurmJobParams = z.infer<typeof SlurmJobParams>;

const LocalRecord = z.object({
  slurmJobId: z.number().int().positive(),
  submittedAtMs: z.number(),
  final: z
    .object({
      state: z.string(),
      exitCode: z.number().int().optional(),
      files: z.array(z.string()).optional(),
    })
    .optional(),
});
export type LocalRecord = z.infer<typeof LocalRecord>;

export const NO_CLUSTERS_MESSAGE =
  "no clusters are configured: declare them in a clusters file and start the server with " +
  "`labflow serve --clusters FILE` (or put clusters.json or clusters.yaml in the data folder); see docs/cluster.md";

/** Login problems a person fixes with `labflow cluster login`: the job waits for them. */
const LOGIN_CODES = new Set(["cluster_login_needed", "cluster_login_unreadable", "cluster_login_refused"]);
export function isLoginProblem(error: unknown): error is ModuleError {
  return error instanceof ModuleError && LOGIN_CODES.has(error.code);
}
/** The cluster cannot be reached just now: the job on it goes on, so the labflow job waits too. */
export function isUnreachable(error: unknown): error is ModuleError {
  return error instanceof ModuleError && ["slurmrestd_unreachable", "sftp_unreachable"].includes(error.code);
}

export function requireClusters(services: ModuleServices | undefined): ClusterAccess {
  const clusters = services?.clusters;
  if (!clusters) throw new ModuleError("no_clusters", NO_CLUSTERS_MESSAGE);
  return clusters;
}

export function sessionOf(services: ModuleServices | undefined, job: SlurmJobParams): ClusterSession {
  return requireClusters(services).session(job.cluster, job.user);
}

const recordPath = (jobDir: string) => join(jobDir, "slurm.json");

export function readRecord(jobDir: string): LocalRecord | undefined {
  const path = recordPath(jobDir);
  if (!existsSync(path)) return undefined;
  return LocalRecord.parse(JSON.parse(readFileSync(path, "utf8")));
}

export function writeRecord(jobDir: string, record: LocalRecord): void {
  mkdirSync(jobDir, { recursive: true });
  const path = recordPath(jobDir);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

/**
 * An earlier submission of this job, if any: this process's record, then Slurm's job list (the key
 * is in the comment), then the marker the batch script leaves (a job Slurm forgot after it ended).
 */
export async function findEarlierSubmission(
  session: ClusterSession,
  job: SlurmJobParams,
  jobDir: string,
  log: (message: string) => void,
): Promise<LocalRecord | undefined> {
  const known = readRecord(jobDir);
  if (known) return known;
  const earlier = await session.findByComment(job.submission.comment);
  const marker = earlier ? undefined : await session.readSmall(posix.join(job.folder, MARKERS.slurmJobId));
  const foundId = earlier?.slurmJobId ?? (marker ? Number(marker.trim()) : undefined);
  if (foundId === undefined || !Number.isInteger(foundId) || foundId <= 0) return undefined;
  log(`found the earlier submission of this job: Slurm job ${foundId} (not submitted again)`);
  const record = { slurmJobId: foundId, submittedAtMs: Date.now() };
  writeRecord(jobDir, record);
  return record;
}

export interface SubmitOptions {
  /** Bytes sent so far of all uploads. */
  progress?: (done: number, total: number) => void;
  /** Asked right before submitting: false when the job was cancelled meanwhile. */
  stillWanted?: () => boolean;
}

/** Submits the job unless it was submitted already; uploads go first, so the script finds its inputs. */
export async function submitOnce(
  session: ClusterSession,
  job: SlurmJobParams,
  jobDir: string,
  log: (message: string) => void,
  options: SubmitOptions = {},
): Promise<LocalRecord> {
  const earlier = await findEarlierSubmission(session, job, jobDir, log);
  if (earlier) return earlier;
  await session.mkdir(job.folder);
  const total = job.uploads.reduce(
    (sum, { local }) => sum + (existsSync(local) ? statSync(local).size : 0),
    0,
  );
  let sent = 0;
  for (const { local, remote } of job.uploads) {
    const before = sent;
    const bytes = await session.upload(local, remote, (done) => options.progress?.(before + done, total));
    sent += bytes;
    log(`uploaded ${local} -> ${remote} (${bytes} bytes)`);
  }
  if (options.stillWanted && !options.stillWanted())
    throw new ModuleError("cluster_submission_cancelled", "cancelled before it was submitted");
  const slurmJobId = await session.submit(job.submission);
  const record = { slurmJobId, submittedAtMs: Date.now() };
  writeRecord(jobDir, record);
  log(`submitted to cluster "${session.cluster}" as ${session.user}: Slurm job ${slurmJobId}`);
  return record;
}

/** Uploads and submission in flight, by job id (a cache of this process, like `transfers`). */
interface Submission {
  done: number;
  total: number;
  cancelled: boolean;
  /** Settles when the submission ended, either way (never rejects). */
  ended: Promise<void>;
  result?: LocalRecord;
  error?: unknown;
}
const submissions = new Map<string, Submission>();

/**
 * Sends the job's files and submits it behind the checks, which tell the bytes sent: a large
 * upload shows its progress in the Job Monitor instead of holding `start`. A job cancelled
 * meanwhile is not submitted (or, when its submission was already on the way, cancelled in Slurm).
 */
export function submitInBackground(
  session: ClusterSession,
  job: SlurmJobParams,
  jobId: string,
  jobDir: string,
  log: (message: string) => void,
): Submission {
  const running = submissions.get(jobId);
  if (running) return running;
  const submission: Submission = { done: 0, total: 0, cancelled: false, ended: Promise.resolve() };
  submissions.set(jobId, submission);
  submission.ended = submitOnce(session, job, jobDir, log, {
    progress(done, total) {
      submission.done = done;
      submission.total = total;
    },
    stillWanted: () => !submission.cancelled,
  }).then(
    async (record) => {
      submission.result = record;
      if (submission.cancelled) await session.cancel(record.slurmJobId).catch(() => undefined);
    },
    (error: unknown) => {
      submission.error = error;
    },
  );
  return submission;
}

/** Drops an ended submission from the cache, once its outcome was read. */
export function forgetSubmission(jobId: string): void {
  submissions.delete(jobId);
}

/** Stops a submission in flight from reaching Slurm (the job was cancelled). */
export function cancelSubmission(jobId: string): void {
  const submission = submissions.get(jobId);
  if (submission) submission.cancelled = true;
}

/** The last lines of the remote stderr, for a failure message. */
export async function stderrTail(session: ClusterSession, job: SlurmJobParams, lines = 5): Promise<string> {
  try {
    const head = await session.read(job.submission.stderr, 0, 0);
    const from = Math.max(0, (head.size ?? 0) - 2048);
    const chunk = await session.read(job.submission.stderr, from, 2048);
    return chunk.text.trim().split("\n").slice(-lines).join(" | ");
  } catch {
    return "";
  }
}

/** Checks download patterns: relative, inside the job's folder. */
export function checkPatterns(patterns: string[]): void {
  for (const pattern of patterns) {
    if (pattern.startsWith("/") || pattern.split("/").includes("..") || pattern.includes("\0"))
      throw new ModuleError(
        "download_pattern_escapes",
        `download pattern "${pattern}" leaves the job's folder: give a path relative to it, without ".."`,
        { port: "download" },
      );
  }
}

/** A glob (`*`, `?`, `**`) as a regular expression over relative paths. */
export function patternRegex(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "*" && pattern[i + 1] === "*") {
      source += pattern[i + 2] === "/" ? "(?:.*/)?" : ".*";
      i += pattern[i + 2] === "/" ? 2 : 1;
    } else if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else source += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

export interface Transfer {
  done: number;
  total: number;
  promise: Promise<string[]>;
  /** Set once it ended: the files fetched, or why it failed. */
  result?: string[];
  error?: unknown;
}
/**
 * Downloads in flight, by job id: a check starts one and the next checks tell its progress. Only
 * a cache of this process: after a restart the download starts again (files are replaced whole).
 */
const transfers = new Map<string, Transfer>();

/** The job's outputs fetched into `jobDir`: stdout, stderr, and `files/` matching the patterns. */
export function downloadOutputs(
  session: ClusterSession,
  job: SlurmJobParams,
  jobId: string,
  jobDir: string,
): Transfer {
  const running = transfers.get(jobId);
  if (running) return running;
  const transfer: Transfer = { done: 0, total: 0, promise: Promise.resolve([]) };
  transfer.promise = (async () => {
    const listed = await session.list(job.folder);
    const regexes = job.download.map(patternRegex);
    const wanted = listed.filter(
      (path) => !path.startsWith(`${MARKERS.dir}/`) && regexes.some((regex) => regex.test(path)),
    );
    const plan = [
      { remote: job.submission.stdout, local: join(jobDir, "stdout") },
      { remote: job.submission.stderr, local: join(jobDir, "stderr") },
      ...wanted.map((path) => ({ remote: posix.join(job.folder, path), local: join(jobDir, "files", path) })),
    ];
    const sizes = new Map<string, number>();
    for (const { remote, local } of plan) {
      const part = `${local}.part`;
      const before = transfer.done;
      try {
        await session.download(remote, part, (done, total) => {
          if (total !== undefined && !sizes.has(remote)) {
            sizes.set(remote, total);
            transfer.total += total;
          }
          transfer.done = before + done;
        });
      } catch (error) {
        // A job that wrote nothing on a stream has no file for it: an empty one stands in.
        if (!(error instanceof ModuleError && error.code === "file_missing") || local.includes("/files/"))
          throw error;
        writeFileSync(part, "");
      }
      renameSync(part, local);
    }
    return wanted.map((path) => join(jobDir, "files", path));
  })();
  transfers.set(jobId, transfer);
  transfer.promise.then(
    (files) => {
      transfer.result = files;
    },
    (error: unknown) => {
      transfer.error = error;
    },
  );
  return transfer;
}

/** Drops an ended download from the cache, once its outcome was read. */
export function forgetTransfer(jobId: string): void {
  transfers.delete(jobId);
}
