/**
 * Where a driver host lives in the data folder: its socket, log and pid files. A unix socket path
 * must fit in sun_path (108 bytes on Linux, 104 on macOS), so a deep data folder gets a short
 * socket path under the temp folder instead, keyed by a hash of the folder and driver type.
 */
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const SUN_PATH_MAX = 100;

export interface DriverHostPaths {
  dir: string;
  socket: string;
  log: string;
}

export function driverHostPaths(dataDir: string, driverType: string): DriverHostPaths {
  const dir = join(resolve(dataDir), "drivers");
  let socket = join(dir, `${driverType}.sock`);
  if (Buffer.byteLength(socket) > SUN_PATH_MAX) {
    const key = createHash("sha256").update(`${dir}\0${driverType}`).digest("hex").slice(0, 16);
    socket = join(tmpdir(), `labflow-${key}.sock`);
  }
  return { dir, socket, log: join(dir, `${driverType}.log`) };
}
