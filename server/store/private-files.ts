/**
 * The data folder holds every run's inputs, outputs and job files, and the server's token: other
 * users of the machine must not read it. `labflow` sets its umask to 0o077 for what it creates
 * (server/cli.ts); these make folders and files of older versions (0755, 0644) private as well.
 */
import { chmodSync, existsSync, statSync } from "node:fs";

/** What labflow's processes create is for their own user only. */
export const PRIVATE_UMASK = 0o077;

/** Sets `path` to `mode` when it exists, belongs to this user and allows more than `mode`. */
function restrict(path: string, mode: number): void {
  if (!existsSync(path)) return;
  const stat = statSync(path);
  if (typeof process.getuid === "function" && stat.uid !== process.getuid()) return;
  if ((stat.mode & 0o777 & ~mode) !== 0) chmodSync(path, mode);
}

/** A folder only its owner may list or enter (0700). */
export function makeFolderPrivate(path: string): void {
  restrict(path, 0o700);
}

/** Files only their owner may read or write (0600); missing ones are skipped. */
export function makeFilesPrivate(...paths: string[]): void {
  for (const path of paths) restrict(path, 0o600);
}
