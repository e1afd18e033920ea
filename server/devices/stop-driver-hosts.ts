/**
 * Ends the driver hosts of a data folder without a supervisor (they outlive the server that
 * spawned them): asks each host for its pid over its socket, then SIGTERM (SIGKILL after 5 s).
 */
import { DriverClient } from "./driver-client.js";
import { driverDescriptors } from "./driver-descriptors.js";
import { driverHostPaths } from "./driver-host-paths.js";

/** Resolves with the pids it ended. */
export async function stopDriverHosts(dataDir: string): Promise<number[]> {
  const ended: number[] = [];
  for (const type of driverDescriptors.keys()) {
    const client = await DriverClient.connect(driverHostPaths(dataDir, type).socket, {
      timeoutMs: 1000,
    }).catch(() => undefined);
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

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL if it is still there after `graceMs`. */
export async function endProcess(pid: number, graceMs = 5000): Promise<void> {
  if (!alive(pid)) return;
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
  if (alive(pid)) process.kill(pid, "SIGKILL");
}
