/**
 * What cluster modules see of the facility's Slurm clusters: configured clusters, reached with the
 * credentials people stored (`labflow cluster login`). The server implements it (server/cluster);
 * modules never see a token, a key or an HTTP request. Errors are `ModuleError`s with stable codes,
 * e.g. `cluster_unknown`, `cluster_login_needed` (the job waits), `slurm_error`.
 */
import type { LogChunk } from "./log-chunk.js";

/** A batch job to submit, in labflow's words (the server turns it into slurmrestd's). */
export interface ClusterJobSubmission {
  name: string;
  /** Carries the labflow job key: how an earlier submission is found again. */
  comment: string;
  /** The whole batch script, shebang first. */
  script: string;
  /** Remote working folder; stdout and stderr are written there too. */
  cwd: string;
  stdout: string;
  stderr: string;
  environment: Record<string, string>;
  partition?: string;
  account?: string;
  timeLimitMinutes?: number;
  nodes?: number;
  cpusPerTask?: number;
  memoryMb?: number;
}

/** A Slurm job as slurmrestd last reported it. */
export interface ClusterJobInfo {
  slurmJobId: number;
  /** Slurm's own word: PENDING, RUNNING, COMPLETED, FAILED, TIMEOUT, CANCELLED... */
  state: string;
  /** Slurm's reason (Priority, Resources, NonZeroExitCode...), "None" omitted. */
  reason?: string;
  /** The exit code (the wait status >> 8) once the job ended. */
  exitCode?: number;
  /** The signal that ended it, when one did. */
  signal?: number;
  name: string;
  comment: string;
  user: string;
  /** The job's working folder on the cluster. */
  cwd?: string;
}

/** Called as bytes move: how many so far, of how many (when known). */
export type TransferProgress = (done: number, total: number | undefined) => void;

/** One person's access to one cluster. */
export interface ClusterSession {
  readonly cluster: string;
  readonly user: string;
  submit(job: ClusterJobSubmission): Promise<number>;
  /** An earlier submission carrying this comment, if Slurm still lists it. */
  findByComment(comment: string): Promise<ClusterJobInfo | undefined>;
  /**
   * The job's state, answered from one request shared by every job of this cluster and user
   * checked at about the same time, fetched after `submittedAtMs`. `undefined`: Slurm no longer
   * lists it (it ended more than MinJobAge ago).
   */
  status(slurmJobId: number, submittedAtMs?: number): Promise<ClusterJobInfo | undefined>;
  /** Asks Slurm to cancel the job; resolves once Slurm accepted the request. */
  cancel(slurmJobId: number): Promise<void>;
  /** Every job of the cluster (labflow's or not), as `labflow cluster jobs` shows them. */
  jobs(): Promise<ClusterJobInfo[]>;
  mkdir(remoteDir: string): Promise<void>;
  /** Streams a local file to the cluster; resolves with the bytes sent. */
  upload(localPath: string, remotePath: string, progress?: TransferProgress): Promise<number>;
  /** Streams a remote file here; resolves with the bytes received. */
  download(remotePath: string, localPath: string, progress?: TransferProgress): Promise<number>;
  /** Files under a remote folder, as paths relative to it ("out/a.txt"). */
  list(remoteDir: string): Promise<string[]>;
  /** Reads a remote text file from a byte offset (empty when it does not exist yet). */
  read(remotePath: string, offset: number, maxBytes?: number): Promise<LogChunk>;
  /** The content of a small remote file, or undefined when it does not exist. */
  readSmall(remotePath: string): Promise<string | undefined>;
}

export interface ClusterAccess {
  /** The configured clusters' names. */
  names(): string[];
  /** The remote folder of a labflow job on a cluster (no login needed to know it). */
  jobFolder(cluster: string, jobKey: string): string;
  /**
   * A session for a cluster and user (default: the cluster's only logged-in user). Throws
   * `cluster_unknown`, or `cluster_login_needed` when no login is stored.
   */
  session(cluster: string, user?: string): ClusterSession;
}

/** What a module or the API says when the server lends no clusters. */
export const NO_CLUSTERS_MESSAGE =
  "no clusters are configured: declare them in a clusters file and start the server with " +
  "`labflow serve --clusters FILE` (or put clusters.json or clusters.yaml in the data folder); see docs/cluster.md";
