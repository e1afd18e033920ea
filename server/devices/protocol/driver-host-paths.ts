/**
 * Where a driver host lives in the data folder: its socket, log and pid files. A unix socket path
 * must fit in sun_path (108 bytes on Linux, 104 on macOS), so a deep data folder gets a short
 * socket path instead, keyed by a hash of the folder and driver type. That socket goes into a
 * folder only this user can enter ($XDG_RUNTIME_DIR, else `<tmp>/labflow-<uid>`, made 0700):
 * a fixed name straight in the shared temp folder could be taken first by another user, who would
 * then receive the server's commands (or squat the name so no host can start).
 */
import { createHash } from "node:crypto";
import { lstatSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";

const SUN_PATH_MAX = 100;

export interface DriverHostPaths {
  dir: string;
  socket: string;
  log: string;
}

export function driverHostPaths(
  dataDir: string,
  driverType: string,
  env: NodeJS.ProcessEnv = process.env,
): DriverHostPaths {
  const dir = join(resolve(dataDir), "drivers");
  let socket = join(dir, `${driverType}.sock`);
  if (Buffer.byteLength(socket) > SUN_PATH_MAX) {
    const key = createHash("sha256").update(`${dir}\0${driverType}`).digest("hex").slice(0, 16);
    socket = join(privateSocketDir(env), `labflow-${key}.sock`);
  }
  return { dir, socket, log: join(dir, `${driverType}.log`) };
}

/** This user's folder for sockets that do not fit in the data folder. */
export function privateSocketDir(env: NodeJS.ProcessEnv = process.env): string {
  const runtime = env.XDG_RUNTIME_DIR;
  // A runtime folder deep enough to overflow sun_path itself is no help.
  if (runtime && isAbsolute(runtime) && Buffer.byteLength(runtime) < SUN_PATH_MAX - 40) return runtime;
  return join(tmpdir(), `labflow-${process.getuid?.() ?? "user"}`);
}

/**
 * Makes the folder of a host's socket ready before a host listens there or a client connects: the
 * data folder's `drivers/` is created; the private fallback folder is created 0700 and must be
 * ours, a real folder (not a symlink) and closed to everyone else, or this throws saying why.
 */
export function prepareSocketDir(socketPath: string, env: NodeJS.ProcessEnv = process.env): void {
  const dir = dirname(socketPath);
  if (dir === privateSocketDir(env)) ensurePrivateDir(dir);
  else mkdirSync(dir, { recursive: true });
}

/** Creates `dir` 0700 when missing, then checks it is this user's own closed folder. */
export function ensurePrivateDir(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const stat = lstatSync(dir);
  const refuse = (why: string) => {
    throw new Error(
      `refusing to put driver host sockets in ${dir}: ${why} (it must be a folder of this user with mode 0700; remove it, or set XDG_RUNTIME_DIR)`,
    );
  };
  if (stat.isSymbolicLink()) refuse("it is a symbolic link");
  if (!stat.isDirectory()) refuse("it is not a folder");
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) refuse(`it belongs to uid ${stat.uid}, not ${uid}`);
  if ((stat.mode & 0o777) !== 0o700) refuse(`its mode is ${(stat.mode & 0o777).toString(8)}`);
}
