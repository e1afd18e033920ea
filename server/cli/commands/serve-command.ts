import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startHttpServer } from "../../http/start-http-server.js";
import type { GlobalCheckInterval } from "../../jobs/check-interval.js";
import { openRuntime } from "../../labflow-runtime.js";
import { updateDataFolderLock } from "../../store/data-folder-lock.js";
import { CliError } from "../cli-error.js";

export interface ServeOptions {
  dataDir: string;
  host: string;
  port: number;
  token?: string;
  workspaceDir?: string;
  checkInterval?: GlobalCheckInterval;
  /** `--devices FILE`: instruments and pipelines (default devices.json|yaml in the data folder). */
  devicesFile?: string;
  /** `--clusters FILE`: Slurm clusters (default clusters.json|yaml in the data folder). */
  clustersFile?: string;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");

/**
 * `labflow serve`: the engine, the job monitor and the HTTP/WebSocket API, owning the data folder
 * until stopped. Jobs (processes, cluster jobs, instruments) are not owned by it and go on.
 */
export async function serveCommand(options: ServeOptions): Promise<number> {
  if (!LOOPBACK.has(options.host) && !options.token) {
    throw new CliError(
      `binding to ${options.host} exposes labflow beyond this machine: give --token (or LABFLOW_TOKEN)`,
    );
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
      clientDir: join(repoRoot, "dist", "client"),
      workflowsDirs: { examples: join(repoRoot, "workflows"), saved: join(runtime.dataDir, "workflows") },
    });
  } catch (error) {
    runtime.close();
    throw new CliError(`cannot listen on ${options.host}:${options.port}: ${(error as Error).message}`);
  }
  updateDataFolderLock(runtime.dataDir, { url: server.url });
  console.log(`labflow listening on ${server.url}`);
  console.log(`data folder: ${runtime.dataDir}`);
  const lab = runtime.instruments;
  if (lab)
    console.log(
      `instruments: ${lab.config.devices.length} devices, ${lab.config.pipelines.length} pipelines from ${lab.devicesFile}`,
    );

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
  runtime.close();
  return 0;
}
