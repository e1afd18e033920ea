/**
 * `labflow cluster ...`: SCARF's actions, headless. They reach the cluster directly with the
 * clusters file and the logins of the data folder (no server needed, none disturbed): a login made
 * here is used by a running server at its next request.
 */
import { isAbsolute, join, posix, resolve } from "node:path";
import type { ClusterJobInfo } from "../../../modules/sdk/clusters.js";
import { patternRegex } from "../../../modules/sdk/file-patterns.js";
import { ModuleError } from "../../../modules/sdk/module-error.js";
import type { ClusterService } from "../../cluster/cluster-service.js";
import { openClusters } from "../../cluster/clusters-runtime.js";
import { jwtExpiry, SlurmClient } from "../../cluster/slurm/slurm-client.js";
import { EngineError } from "../../engine/engine-error.js";
import { CliError } from "../cli-error.js";
import { type CommandFamily, defineCommand } from "../command-spec.js";
import { DATA_OPTION, dataFolder } from "../data-folder-option.js";
import { secretReader } from "../read-secret.js";

/** The options every cluster command takes. */
const CLUSTER_OPTIONS = {
  clusters: {
    type: "string",
    value: "FILE",
    description: "the clusters file (default DATA/clusters.json|yaml)",
  },
  user: { type: "string", value: "U", description: "which login of the cluster (default: the only one)" },
  ...DATA_OPTION,
} as const;

const JSON_OPTION = { json: { type: "boolean", description: "print JSON" } } as const;

interface ClusterOptions {
  data?: string;
  clusters?: string;
  user?: string;
  to?: string;
  json?: boolean;
}

/** Runs one action against the clusters file and logins of the data folder, then lets go of them. */
async function withClusters(
  action: string,
  name: string | undefined,
  args: string[],
  values: ClusterOptions,
): Promise<number> {
  const dataDir = dataFolder(values.data);
  const clusters = openClusters(dataDir, values.clusters);
  if (!clusters)
    throw new CliError(
      `no clusters file: put clusters.yaml in ${dataDir} or give --clusters FILE (see docs/cluster.md)`,
    );
  try {
    return await run(clusters, action, name, args, {
      ...(values.user ? { user: values.user } : {}),
      to: values.to ?? ".",
      json: values.json === true,
    });
  } catch (error) {
    // One line a person can act on: unknown cluster, not logged in, slurmrestd down, host key...
    if (error instanceof ModuleError || error instanceof EngineError) throw new CliError(error.message);
    throw error;
  } finally {
    await clusters.close();
  }
}

const NAME = { name: "NAME" };

/** `labflow cluster ...`: SCARF's actions, one command each (docs/cluster.md). */
export const clusterFamily: CommandFamily = {
  name: "cluster",
  summary: "Slurm clusters of the clusters file: logins, jobs, files (docs/cluster.md)",
  defaultCommand: "list",
  commands: [
    defineCommand({
      name: "list",
      summary: "the configured clusters and who is logged in",
      options: { ...CLUSTER_OPTIONS },
      run: ({ values }) => withClusters("list", undefined, [], values),
    }),
    defineCommand({
      name: "ping",
      summary: "is slurmrestd there (and SFTP, with its host key)?",
      args: [NAME],
      options: { ...CLUSTER_OPTIONS },
      run: ({ values, args }) => withClusters("ping", args[0], [], values),
    }),
    defineCommand({
      name: "login",
      summary: "store a login: the Slurm token (and SSH key and passphrase) from a prompt or stdin",
      details:
        "Secrets are read from a prompt without echo, or lines of standard input, never from arguments;\nthey are stored encrypted in the data folder.",
      args: [NAME],
      options: { ...CLUSTER_OPTIONS },
      run: ({ values, args }) => withClusters("login", args[0], [], values),
    }),
    defineCommand({
      name: "logout",
      summary: "forget the login (all users without --user)",
      args: [NAME],
      options: { ...CLUSTER_OPTIONS },
      run: ({ values, args }) => withClusters("logout", args[0], [], values),
    }),
    defineCommand({
      name: "jobs",
      summary: "every job of the user on the cluster",
      args: [NAME],
      options: { ...CLUSTER_OPTIONS, ...JSON_OPTION },
      run: ({ values, args }) => withClusters("jobs", args[0], [], values),
    }),
    defineCommand({
      name: "status",
      summary: "one Slurm job",
      args: [NAME, { name: "ID" }],
      options: { ...CLUSTER_OPTIONS, ...JSON_OPTION },
      run: ({ values, args }) => withClusters("status", args[0], args.slice(1), values),
    }),
    defineCommand({
      name: "cancel",
      summary: "cancel a Slurm job",
      args: [NAME, { name: "ID" }],
      options: { ...CLUSTER_OPTIONS },
      run: ({ values, args }) => withClusters("cancel", args[0], args.slice(1), values),
    }),
    defineCommand({
      name: "upload",
      summary: "send a file (REMOTE relative to the remote base)",
      args: [NAME, { name: "LOCAL" }, { name: "REMOTE" }],
      options: { ...CLUSTER_OPTIONS },
      run: ({ values, args }) => withClusters("upload", args[0], args.slice(1), values),
    }),
    defineCommand({
      name: "download",
      summary: "fetch a job's files (default all) from its folder",
      args: [NAME, { name: "ID" }, { name: "PATTERN", optional: true }],
      options: {
        ...CLUSTER_OPTIONS,
        to: { type: "string", value: "DIR", description: "where to put them (default .)" },
      },
      run: ({ values, args }) => withClusters("download", args[0], args.slice(1), values),
    }),
  ],
};

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
      throw new CliError(`unknown cluster action "${action}" (labflow cluster --help lists them)`, 2);
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
    await checkToken(config, who, token);
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

/**
 * Asks slurmrestd whether it takes the token before it is stored: a token it refuses (mistyped,
 * expired, of another user) is refused here, with nothing stored and an earlier login kept. When
 * the cluster cannot be reached (a login made off the facility's network), the token is stored
 * with a warning: it is checked at its first use.
 */
async function checkToken(config: { name: string; url: string }, user: string, token: string): Promise<void> {
  const client = new SlurmClient({
    cluster: config.name,
    url: config.url,
    credentials: () => ({ user, token }),
  });
  try {
    await client.ping();
  } catch (error) {
    const code = error instanceof ModuleError ? error.code : undefined;
    if (code === "cluster_login_needed" || code === "cluster_login_refused")
      throw new CliError(
        `slurmrestd at ${config.url} refused this token for ${user}: nothing stored (make a new one with \`scontrol token username=${user}\`)`,
      );
    console.error(
      `labflow: could not check the token with slurmrestd at ${config.url} (${(error as Error).message}); storing it anyway`,
    );
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
