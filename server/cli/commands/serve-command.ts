import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type HttpLimits, limitsFromEnv } from "../../http/limits.js";
import { startHttpServer } from "../../http/start-http-server.js";
import type { GlobalCheckInterval } from "../../jobs/check-interval.js";
import { openRuntime } from "../../labflow-runtime.js";
import { MAX_INTERVAL_MS, MIN_INTERVAL_MS } from "../../schema/api.js";
import { updateDataFolderOwner } from "../../store/data-folder-lock.js";
import { CliError } from "../cli-error.js";
import { defineCommand } from "../command-spec.js";
import { DATA_OPTION, dataFolder } from "../data-folder-option.js";
import { resolveServeToken } from "../serve-token.js";
import { removeServerToken, writeServerToken } from "../server-token-file.js";

export const serveSpec = defineCommand({
  name: "serve",
  summary: "the editor and the API; prints http://127.0.0.1:8080/?token=...",
  options: {
    host: { type: "string", value: "HOST", description: "where to listen (default 127.0.0.1)" },
    port: { type: "string", value: "PORT", description: "the port (default 8080; 0: any free one)" },
    // Declared so that it is refused with the reason (resolveServeToken), not as an unknown option.
    token: {
      type: "string",
      value: "TOKEN",
      description: "refused: ps shows it; use --token-file or $LABFLOW_TOKEN",
    },
    "token-file": {
      type: "string",
      value: "FILE",
      description:
        "the token, from a file only you can read (or $LABFLOW_TOKEN; default a new one each start)",
    },
    "allowed-hosts": {
      type: "string",
      value: "A,B",
      description: "more Host names to answer to (a proxy's, the machine's DNS name)",
    },
    workspace: {
      type: "string",
      value: "DIR",
      description: "folder file modules may use (default DATA/workspace)",
    },
    "check-interval": { type: "string", value: "MS|off", description: "global job check interval" },
    devices: {
      type: "string",
      value: "FILE",
      description: "instruments and pipelines (default DATA/devices.json|yaml)",
    },
    clusters: {
      type: "string",
      value: "FILE",
      description: "Slurm clusters (default DATA/clusters.json|yaml; docs/cluster.md)",
    },
    ...DATA_OPTION,
  },
  run: ({ values }) => {
    const { token } = resolveServeToken({
      argument: values.token,
      tokenFile: values["token-file"],
      env: process.env.LABFLOW_TOKEN,
    });
    // Read once: the server's children (driver hosts) need not inherit it.
    delete process.env.LABFLOW_TOKEN;
    return serveCommand({
      dataDir: dataFolder(values.data),
      host: values.host ?? "127.0.0.1",
      port: parsePort(values.port ?? "8080"),
      token,
      allowedHosts: values["allowed-hosts"]?.split(","),
      workspaceDir: values.workspace,
      checkInterval: parseInterval(values["check-interval"]),
      devicesFile: values.devices,
      clustersFile: values.clusters,
    });
  },
});

export interface ServeOptions {
  dataDir: string;
  host: string;
  port: number;
  /** Checked by resolveServeToken (serve-token.ts): never empty or short. */
  token: string;
  /** More names a request's Host may give (`--allowed-hosts a,b`). */
  allowedHosts?: string[];
  workspaceDir?: string;
  checkInterval?: GlobalCheckInterval;
  /** `--devices FILE`: instruments and pipelines (default devices.json|yaml in the data folder). */
  devicesFile?: string;
  /** `--clusters FILE`: Slurm clusters (default clusters.json|yaml in the data folder). */
  clustersFile?: string;
}

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");

/**
 * `labflow serve`: the engine, the job monitor and the HTTP/WebSocket API, owning the data folder
 * until stopped. Jobs (processes, cluster jobs, instruments) are not owned by it and go on.
 */
export async function serveCommand(options: ServeOptions): Promise<number> {
  let limits: HttpLimits;
  try {
    limits = limitsFromEnv(process.env);
  } catch (error) {
    throw new CliError((error as Error).message, 2);
  }
  const runtime = await openRuntime({
    dataDir: options.dataDir,
    workspaceDir: options.workspaceDir,
    globalInterval: options.checkInterval,
    devicesFile: options.devicesFile,
    clustersFile: options.clustersFile,
    connectDrivers: true,
  });
  let server: Awaited<ReturnType<typeof startHttpServer>>;
  try {
    server = await startHttpServer(runtime, {
      host: options.host,
      port: options.port,
      token: options.token,
      allowedHosts: options.allowedHosts,
      limits,
      clientDir: join(repoRoot, "dist", "client"),
      workflowsDirs: { examples: join(repoRoot, "workflows"), saved: join(runtime.dataDir, "workflows") },
    });
  } catch (error) {
    runtime.close();
    throw new CliError(`cannot listen on ${options.host}:${options.port}: ${(error as Error).message}`);
  }
  // The token first: a CLI that finds the URL in the owner file finds the token beside it.
  writeServerToken(runtime.dataDir, options.token);
  updateDataFolderOwner(runtime.dataDir, { url: server.url });
  console.log(`data folder: ${runtime.dataDir}`);
  const lab = runtime.instruments;
  if (lab)
    console.log(
      `instruments: ${lab.config.devices.length} devices, ${lab.config.pipelines.length} pipelines from ${lab.devicesFile}`,
    );
  console.log(`open the editor: ${server.url}/?token=${encodeURIComponent(options.token)}`);
  // The last line: scripts and tests wait for it.
  console.log(`labflow listening on ${server.url}`);

  if (runtime.clusters)
    console.log(
      `clusters: ${runtime.clusters.names().join(", ") || "none"} from ${runtime.clusters.config.source}`,
    );

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await server.close();
  removeServerToken(runtime.dataDir, options.token);
  runtime.close();
  return 0;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError(`--port: "${text}" is not a port number`, 2);
  return port;
}

function parseInterval(text: string | undefined): GlobalCheckInterval | undefined {
  if (text === undefined) return undefined;
  if (text === "off" || text === "module-default") return text;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < MIN_INTERVAL_MS || ms > MAX_INTERVAL_MS)
    throw new CliError(
      `--check-interval: give whole milliseconds from ${MIN_INTERVAL_MS} to ${MAX_INTERVAL_MS} (7 days), or "off"`,
      2,
    );
  return ms;
}
