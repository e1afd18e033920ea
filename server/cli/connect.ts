import { DataFolderInUseError } from "../store/data-folder-lock.js";
import type { LabflowAccess } from "./labflow-access.js";
import { LocalAccess } from "./local-access.js";
import { RemoteAccess } from "./remote-access.js";
import { readServerToken } from "./server-token-file.js";

/**
 * Reaches labflow for a command: by running the engine in this process when the data folder's lock
 * can be taken, otherwise through the `labflow serve` that holds it. `restore` continues the folder's
 * unfinished runs here (commands that run work); commands that only look or act on one job leave them.
 */
export async function connect(
  dataDir: string,
  options: {
    restore?: boolean;
    /** Through a server: how long following a run waits for the server to come back when it goes away. */
    reconnectTimeoutMs?: number;
  } = {},
): Promise<LabflowAccess> {
  try {
    return await LocalAccess.open(dataDir, options);
  } catch (error) {
    const server = servingServer(error, dataDir);
    const reconnect =
      options.reconnectTimeoutMs === undefined
        ? undefined
        : { dataDir, timeoutMs: options.reconnectTimeoutMs };
    if (server) return new RemoteAccess(server.url, server.token, reconnect);
    throw error;
  }
}

/**
 * The URL and token of the `labflow serve` whose lock kept the data folder from opening. The lock
 * decides that the folder is held; the owner file only says where that server listens, and the
 * token file beside it what it asks for.
 */
export function servingServer(
  error: unknown,
  dataDir: string,
): { url: string; token: string | undefined } | undefined {
  const url = error instanceof DataFolderInUseError ? error.owner?.url : undefined;
  return url ? { url, token: readServerToken(dataDir) ?? process.env.LABFLOW_TOKEN } : undefined;
}
