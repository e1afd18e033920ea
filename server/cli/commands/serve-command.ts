import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type HttpLimits, limitsFromEnv } from "../../http/limits.js";
import { startHttpServer } from "../../http/start-http-server.js";
import type { GlobalCheckInterval } from "../../jobs/check-interval.js";
import { openRuntime } from "../../labflow-runtime.js";
import { updateDataFolderOwner } from "../../store/data-folder-lock.js";
import { CliError } from "../cli-error.js";
import { removeServerToken, writeServerToken } from "../server-token-file.js";

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
