/**
 * Ends the driver hosts of a data folder without a supervisor (they outlive the server that
 * spawned them): asks each host for its pid over its socket, then SIGTERM (SIGKILL after 5 s).
 */
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { isProcessAlive } from "../../../modules/sdk/process-alive.js";
import { driverDescriptors } from "../protocol/driver-descriptors.js";
import { driverHostPaths, prepareSocketDir } from "../protocol/driver-host-paths.js";
import { DriverClient } from "./driver-client.js";

/** Resolves with the pids it ended. */
export async function stopDriverHosts(dataDir: string): Promise<number[]> {
  const ended: number[] = [];
  for (const type of driverDescriptors.keys()) {
    const { socket } = driverHostPaths(dataDir, type);
    if (!existsSync(dirname(socket))) continue;
    // The pid comes from whoever answers on the socket: only ask in a folder no one else controls.
    prepareSocketDir(socket);
    const client = await DriverClient.connect(socket, { timeoutMs: 1000 }).catch(() => undefined);
    if (!client) continue;
    const pid = await client
      .hello()
      .then((info) => info.pid)
      .catch(() => undefined);
    client.close();
    if (pid === undefined) continue;
    await endProcess(pid);
    ended.push(pid);
  }
  return ended;
}

/** SIGTERM, then SIGKILL if it is still there after `graceMs`. */
export async function endProcess(pid: number, graceMs = 5000): Promise<void> {
  if (!isProcessAlive(pid)) return;
  if (!signal(pid, "SIGTERM")) return;
  const deadline = Date.now() + graceMs;
  while (isProcessAlive(pid) && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 25));
  if (isProcessAlive(pid)) signal(pid, "SIGKILL");
}

/** False when the process is gone already (ESRCH); throws when it is not ours to signal (EPERM). */
function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw error;
  }
}
