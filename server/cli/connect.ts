import { isProcessAlive } from "../../modules/sdk/process-alive.js";
import { readDataFolderLock } from "../store/data-folder-lock.js";
import type { LabflowAccess } from "./labflow-access.js";
import { LocalAccess } from "./local-access.js";
import { RemoteAccess } from "./remote-access.js";

/**
 * Reaches labflow for a command: through the server when `labflow serve` owns the data folder,
 * otherwise by running the engine in this process.
 */
export async function connect(dataDir: string): Promise<LabflowAccess> {
  const lock = readDataFolderLock(dataDir);
  if (lock?.url && isProcessAlive(lock.pid)) return new RemoteAccess(lock.url, process.env.LABFLOW_TOKEN);
  return LocalAccess.open(dataDir);
}
