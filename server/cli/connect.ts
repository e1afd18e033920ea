import { DataFolderInUseError } from "../store/data-folder-lock.js";
import type { LabflowAccess } from "./labflow-access.js";
import { LocalAccess } from "./local-access.js";
import { RemoteAccess } from "./remote-access.js";

/**
 * Reaches labflow for a command: by running the engine in this process when the data folder's lock
 * can be taken, otherwise through the `labflow serve` that holds it. `restore` continues the folder's
 * unfinished runs here (commands that run work); commands that only look or act on one job leave them.
 */
export async function connect(dataDir: string, options: { restore?: boolean } = {}): Promise<LabflowAccess> {
  try {
    return await LocalAccess.open(dataDir, options);
  } catch (error) {
    const url = servingUrl(error);
    if (url) return new RemoteAccess(url, process.env.LABFLOW_TOKEN);
    throw error;
  }
}

/**
 * The URL of the `labflow serve` whose lock kept the data folder from opening. The lock decides that
 * the folder is held; the owner file only says where that server listens.
 */
export function servingUrl(error: unknown): string | undefined {
  return error instanceof DataFolderInUseError ? error.owner?.url : undefined;
}
