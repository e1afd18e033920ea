/** The job's outputs, fetched once it completed, and the stderr lines a failure message quotes. */
import { renameSync, writeFileSync } from "node:fs";
import { join, posix } from "node:path";
import type { ClusterSession } from "../sdk/clusters.js";
import { patternRegex } from "../sdk/file-patterns.js";
import { ModuleError } from "../sdk/module-error.js";
import { MARKERS } from "./_batch-script.js";
import type { SlurmJobParams } from "./_job-record.js";

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
