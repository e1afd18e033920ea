/**
 * `labflow cluster ...`: SCARF's actions, headless. They reach the cluster directly with the
 * clusters file and the logins of the data folder (no server needed, none disturbed): a login made
 * here is used by a running server at its next request.
 */
import { isAbsolute, join, posix, resolve } from "node:path";
import { parseArgs } from "node:util";
import { patternRegex } from "../../../modules/cluster/_outputs.js";
import type { ClusterJobInfo } from "../../../modules/sdk/clusters.js";
import { ModuleError } from "../../../modules/sdk/module-error.js";
import type { ClusterService } from "../../cluster/cluster-service.js";
import { openClusters } from "../../cluster/clusters-runtime.js";
import { jwtExpiry } from "../../cluster/slurm/slurm-client.js";
import { EngineError } from "../../engine/engine-error.js";
import { CliError } from "../cli-error.js";
import { secretReader } from "../read-secret.js";

export const CLUSTER_USAGE = `usage:
  labflow cluster list                          the configured clusters and who is logged in
  labflow cluster ping NAME                     is slurmrestd there (and SFTP, with its host key)?
  labflow cluster login NAME [--user U]         store a login: the Slurm token (and for SFTP the
                                                private key file and its passphrase) are read from
                                                a prompt without echo, or lines of standard input
  labflow cluster logout NAME [--user U]        forget the login (all users without --user)
  labflow cluster jobs NAME [--json]            every job of the user on the cluster
  labflow cluster status NAME ID [--json]       one Slurm job
  labflow cluster cancel NAME ID                cancel a Slurm job
  labflow cluster upload NAME LOCAL REMOTE      send a file (REMOTE relative to the remote base)
  labflow cluster download NAME ID [PATTERN] [--to DIR]
                                                fetch a job's files (default all) from its folder
options: --data DIR, --clusters FILE, --user U (default: the only login)`;

export async function clusterCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      data: { type: "string" },
      clusters: { type: "string" },
      user: { type: "string" },
      to: { type: "string", default: "." },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const [action, name, ...args] = positionals;
  if (values.help || !action) {
    console.log(CLUSTER_USAGE);
    return values.help ? 0 : 2;
  }
  const dataDir = resolve(values.data ?? process.env.LABFLOW_DATA ?? ".labflow");
  const clusters = openClusters(dataDir, values.clusters);
  if (!clusters)
    throw new CliError(
      `no clusters file: put clusters.yaml in ${dataDir} or give --clusters FILE (see docs/cluster.md)`,
    );
  try {
    return await run(clusters, action, name, args, values);
  } catch (error) {
    // One line a person can act on: unknown cluster, not logged in, slurmrestd down, host key...
    if (error instanceof ModuleError || error instanceof EngineError) throw new CliError(error.message);
    throw error;
  } finally {
    await clusters.close();
  }
}

async function run(
  clusters: ClusterService,
  action: string,
  name: string | undefined,
  args: string[],
  options: { user?: string; to: string; json: boolean },
): Promise<number> {
  if (action === "list") {
    for (const cluster of clusters.names()) {
      const users = clusters.credentials.users(cluster);
      console.log(`${cluster}  logged in: ${users.join(", ") || "nobody"}`);
    }
    return 0;
  }
  const cluster = need(name, `labflow cluster ${action} NAME`);
  const config = clusters.cluster(cluster);
  switch (action) {
    case "login":
      return login(clusters, cluster, options.user);
    case "logout": {
      const gone = clusters.credentials.remove(cluster, options.user);
      console.log(
        gone.length > 0
          ? `logged out of ${cluster}: ${gone.join(", ")}`
          : `nobody${options.user ? ` named ${options.user}` : ""} was logged in on ${cluster}`,
      );
      return 0;
    }
    case "ping": {
      const session = clusters.session(cluster, options.user);
      await session.ping();
      console.log(`${cluster}: slurmrestd at ${config.url} answers ${session.user}`);
      const base = config.sftp?.remoteBase ?? config.sharedFolder?.path ?? "/";
      await session.list(base);
      console.log(
        config.sftp
          ? `${cluster}: SFTP to ${config.sftp.host}:${config.sftp.port} (host key ${config.sftp.hostKeyFingerprint}) reaches ${base}`
          : `${cluster}: shared folder ${base} is reachable`,
      );
      return 0;
    }
    case "jobs": {
      const session = clusters.session(cluster, options.user);
      const jobs = (await session.jobs()).filter((job) => job.user === session.user);
      if (options.json) console.log(JSON.stringify(jobs, null, 2));
      else for (const job of jobs) console.log(formatJob(job));
      return 0;
    }
    case "status": {
      const job = await findJob(
        clusters,
        cluster,
        options.user,
        need(args[0], "labflow cluster status NAME ID"),
      );
      console.log(options.json ? JSON.stringify(job, null, 2) : formatJob(job));
      return 0;
    }
    case "cancel": {
      const id = jobId(need(args[0], "labflow cluster cancel NAME ID"));
      await clusters.session(cluster, options.user).cancel(id);
      console.log(`asked ${cluster} to cancel Slurm job ${id}`);
      return 0;
    }
    case "upload": {
      const local = resolve(need(args[0], "labflow cluster upload NAME LOCAL REMOTE"));
      const target = need(args[1], "labflow cluster upload NAME LOCAL REMOTE");
      const base = config.sftp?.remoteBase ?? config.sharedFolder?.path ?? "/";
      const remote = isAbsolute(target) ? target : posix.join(base, target);
      const bytes = await clusters.session(cluster, options.user).upload(local, remote, progressLine());
      console.error("");
      console.log(`uploaded ${local} -> ${cluster}:${remote} (${bytes} bytes)`);
      return 0;
    }
    case "download": {
      const usage = "labflow cluster download NAME ID [PATTERN] [--to DIR]";
      const job = await findJob(clusters, cluster, options.user, need(args[0], usage));
      if (!job.cwd) throw new CliError(`Slurm job ${job.slurmJobId} has no working folder to fetch from`);
      const pattern = args[1] ?? "**";
      if (pattern.startsWith("/") || pattern.split("/").includes(".."))
        throw new CliError(`pattern "${pattern}" leaves the job's folder`);
      const session = clusters.session(cluster, options.user);
      const regex = patternRegex(pattern);
      const files = (await session.list(job.cwd)).filter((path) => regex.test(path));
      if (files.length === 0)
        throw new CliError(`no file of Slurm job ${job.slurmJobId} matches "${pattern}"`);
      for (const path of files) {
        const local = join(resolve(options.to), path);
        const bytes = await session.download(posix.join(job.cwd, path), local);
        console.log(`${path} -> ${local} (${bytes} bytes)`);
      }
      return 0;
    }
    default:
      throw new CliError(`unknown cluster action "${action}"\n\n${CLUSTER_USAGE}`, 2);
  }
}

async function login(clusters: ClusterService, cluster: string, user: string | undefined): Promise<number> {
  const config = clusters.cluster(cluster);
  const reader = secretReader();
  try {
    const token = await reader.ask(`Slurm token (scontrol token) for ${cluster}: `, true);
    if (!token) throw new CliError("no token given: nothing stored");
    // The Slurm user is in the token itself ("sun"); --user may say it for tokens without it.
    const who = user ?? tokenUser(token);
    if (!who) throw new CliError("the token does not name its user: give --user U");
    let sshKeyPath: string | undefined;
    let sshPassphrase: string | undefined;
    if (config.sftp) {
      sshKeyPath = await reader.ask(`SSH private key file for ${config.sftp.host}: `, false);
      if (!sshKeyPath) throw new CliError(`${cluster} moves files over SFTP: give a private key file`);
      sshKeyPath = resolve(sshKeyPath);
      sshPassphrase = (await reader.ask("its passphrase (empty: none): ", true)) || undefined;
    }
    clusters.credentials.save(cluster, who, {
      token,
      ...(sshKeyPath ? { sshKeyPath } : {}),
      ...(sshPassphrase ? { sshPassphrase } : {}),
    });
    const exp = jwtExpiry(token);
    console.log(
      `logged in as ${who} on ${cluster}${exp ? ` (the token expires at ${new Date(exp * 1000).toISOString()})` : ""}`,
    );
    return 0;
  } finally {
    reader.close();
  }
}

function tokenUser(token: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
    return typeof payload.sun === "string" ? payload.sun : undefined;
  } catch {
    return undefined;
  }
}

async function findJob(
  clusters: ClusterService,
  cluster: string,
  user: string | undefined,
  text: string,
): Promise<ClusterJobInfo> {
  const id = jobId(text);
  const job = (await clusters.session(cluster, user).jobs()).find((j) => j.slurmJobId === id);
  if (!job)
    throw new CliError(`${cluster} does not list Slurm job ${id} (it may have ended over 5 minutes ago)`);
  return job;
}

function jobId(text: string): number {
  const id = Number(text);
  if (!Number.isInteger(id) || id <= 0) throw new CliError(`"${text}" is not a Slurm job id`, 2);
  return id;
}

function formatJob(job: ClusterJobInfo): string {
  const exit = job.exitCode !== undefined ? `  exit ${job.exitCode}` : "";
  return `${job.slurmJobId}  ${job.state}${job.reason ? ` (${job.reason})` : ""}${exit}  ${job.name}${job.comment.startsWith("labflow:") ? `  ${job.comment}` : ""}`;
}

function need(value: string | undefined, usage: string): string {
  if (!value) throw new CliError(`usage: ${usage}`, 2);
  return value;
}

/** Bytes so far on one line of stderr, for people watching a long upload. */
function progressLine() {
  let last = 0;
  return (done: number, total: number | undefined) => {
    if (Date.now() - last < 200 && done !== total) return;
    last = Date.now();
    process.stderr.write(`\r${done} of ${total ?? "?"} bytes`);
  };
}
