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
  if (lock?.url && isAlive(lock.pid)) return new RemoteAccess(lock.url, process.env.LABFLOW_TOKEN);
  return LocalAccess.open(dataDir);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
