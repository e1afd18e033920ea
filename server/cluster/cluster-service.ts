/**
 * The clusters as modules and the CLI reach them (`services.clusters`): the clusters file for
 * where each one is, the credential store for who logs in. One session per cluster and user is
 * kept, so all jobs of that user share one job-table poller and one SFTP connection.
 */
import { posix } from "node:path";
import type { ClusterAccess, ClusterJobSubmission, ClusterSession } from "../../modules/sdk/clusters.js";
import { ModuleError } from "../../modules/sdk/module-error.js";
import type { ClusterConfig, ClustersConfig } from "./clusters-file.js";
import type { CredentialStore } from "./credential-store.js";
import type { RemoteFiles } from "./files/remote-files.js";
import { SftpFiles } from "./files/sftp-files.js";
import { SharedFolderFiles } from "./files/shared-folder-files.js";
import { JobTablePoller } from "./slurm/job-table-poller.js";
import { SlurmClient } from "./slurm/slurm-client.js";

/** A session plus what the CLI and the benchmark look at. */
export interface ClusterConnection extends ClusterSession {
  readonly client: SlurmClient;
  readonly poller: JobTablePoller;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class ClusterService implements ClusterAccess {
  private readonly sessions = new Map<string, ClusterConnection>();

  constructor(
    readonly config: ClustersConfig,
    readonly credentials: CredentialStore,
    private readonly tuning: { windowMs?: number } = {},
  ) {}

  names(): string[] {
    return this.config.clusters.map((cluster) => cluster.name);
  }

  /** The cluster's configuration; `cluster_unknown` naming the known ones otherwise. */
  cluster(name: string): ClusterConfig {
    const found = this.config.clusters.find((cluster) => cluster.name === name);
    if (!found)
      throw new ModuleError(
        "cluster_unknown",
        `no cluster "${name}" in ${this.config.source} (known: ${this.names().join(", ") || "none"})`,
      );
    return found;
  }

  jobFolder(cluster: string, jobKey: string): string {
    const config = this.cluster(cluster);
    return posix.join(config.sftp?.remoteBase ?? (config.sharedFolder as { path: string }).path, jobKey);
  }

  session(cluster: string, user?: string): ClusterConnection {
    const config = this.cluster(cluster);
    // Who: the named user, or the only one logged in (throws `cluster_login_needed` when none).
    const who = this.credentials.get(cluster, user).user;
    const key = `${cluster}\0${who}`;
    let session = this.sessions.get(key);
    if (!session) {
      session = this.open(config, who);
      this.sessions.set(key, session);
    }
    return session;
  }

  async close(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((session) => session.close()));
    this.sessions.clear();
  }

  private open(config: ClusterConfig, user: string): ClusterConnection {
    const cluster = config.name;
    const login = () => this.credentials.get(cluster, user);
    const client = new SlurmClient({
      cluster,
      url: config.url,
      credentials: () => ({ user, token: login().secret.token }),
    });
    const poller = new JobTablePoller({
      fetchJobs: (updateTime) => client.jobs(updateTime),
      ...(this.tuning.windowMs !== undefined ? { windowMs: this.tuning.windowMs } : {}),
    });
    const files: RemoteFiles = config.sftp
      ? new SftpFiles({
          cluster,
          host: config.sftp.host,
          port: config.sftp.port,
          user: config.sftp.user ?? user,
          hostKeyFingerprint: config.sftp.hostKeyFingerprint,
          secret: () => login().secret,
        })
      : new SharedFolderFiles(cluster, (config.sharedFolder as { path: string }).path);
    const allJobs = async () => {
      const answer = await client.jobs();
      return answer.changed ? answer.jobs : [];
    };
    return {
      cluster,
      user,
      client,
      poller,
      ping: () => client.ping(),
      submit: (job: ClusterJobSubmission) =>
        client.submit({
          ...job,
          ...(job.partition === undefined && config.partition ? { partition: config.partition } : {}),
          ...(job.account === undefined && config.account ? { account: config.account } : {}),
        }),
      async findByComment(comment) {
        // A table fetched after this call began: a submission made before it is in there.
        const jobs = await poller.jobsAfter(Date.now());
        return jobs.find((job) => job.comment === comment && job.user === user);
      },
      status: (slurmJobId, submittedAtMs) => poller.statusOf(slurmJobId, submittedAtMs),
      async cancel(slurmJobId) {
        await client.cancel(slurmJobId);
      },
      jobs: allJobs,
      mkdir: (dir) => files.mkdir(dir),
      upload: (local, remote, progress) => files.upload(local, remote, progress),
      download: (remote, local, progress) => files.download(remote, local, progress),
      list: (dir) => files.list(dir),
      read: (path, offset, maxBytes = 1 << 20) => files.read(path, offset, maxBytes),
      readSmall: (path) => files.readSmall(path),
      close: () => files.close(),
    };
  }
}
