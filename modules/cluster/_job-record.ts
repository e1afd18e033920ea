/**
 * What a SlurmJob persists (its params) and learns (its record, `slurm.json` in the job's local
 * folder, so any later process knows the Slurm job id and final state without asking), and how it
 * reaches its cluster.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { ClusterAccess, ClusterSession } from "../sdk/clusters.js";
import { NO_CLUSTERS_MESSAGE } from "../sdk/clusters.js";
import type { ModuleServices } from "../sdk/instruments.js";
import { ModuleError } from "../sdk/module-error.js";

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
