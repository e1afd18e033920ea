import { isProcessAlive } from "../../modules/sdk/process-alive.js";
import { readDataFolderLock } from "../store/data-folder-lock.js";
import type { LabflowAccess } from "./labflow-access.js";
import { LocalAccess } from "./local-access.js";
import { RemoteAccess } from "./remote-access.js";
import { readServerToken } from "./server-token-file.js";

/** The URL and token of a `labflow serve` owning the data folder, if one is running. */
export function runningServer(dataDir: string): { url: string; token: string | undefined } | undefined {
  const lock = readDataFolderLock(dataDir);
  if (!lock?.url || !isProcessAlive(lock.pid)) return undefined;
  return { url: lock.url, token: readServerToken(dataDir) ?? process.env.LABFLOW_TOKEN };
}

/**
 * Reaches labflow for a command: through the server when `labflow serve` owns the data folder,
 * otherwise by running the engine in this process.
 */
export async function connect(dataDir: string): Promise<LabflowAccess> {
  const server = runningServer(dataDir);
  if (server) return new RemoteAccess(server.url, server.token);
  return LocalAccess.open(dataDir);
}
