/**
 * Submitted once: an earlier submission is found again by the job's key (in the comment) after a
 * crash, and files go up before the script that reads them is submitted.
 */
import { existsSync, statSync } from "node:fs";
import { posix } from "node:path";
import type { ClusterSession } from "../sdk/clusters.js";
import { ModuleError } from "../sdk/module-error.js";
import { MARKERS } from "./_batch-script.js";
import { type LocalRecord, readRecord, type SlurmJobParams, writeRecord } from "./_job-record.js";

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
