/**
 * `<dataDir>/server-token`: the token of the `labflow serve` owning the data folder, so that the
 * CLI acting through that server needs no typing. Readable by the server's user only (0600), like
 * the folder around it; written before the lock names the server's URL, removed when it stops.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const SERVER_TOKEN_FILE = "server-token";

export function serverTokenPath(dataDir: string): string {
  return join(dataDir, SERVER_TOKEN_FILE);
}

/** Writes the file whole (a temporary file renamed over it), never readable by other users. */
export function writeServerToken(dataDir: string, token: string): void {
  const path = serverTokenPath(dataDir);
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  writeFileSync(temporary, `${token}\n`, { mode: 0o600, flag: "wx" });
  renameSync(temporary, path);
}

/** The token of the server owning the folder, or undefined when there is none (or not for us). */
export function readServerToken(dataDir: string): string | undefined {
  try {
    return readFileSync(serverTokenPath(dataDir), "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Removes the file if it still holds this server's token (a later server may have replaced it). */
export function removeServerToken(dataDir: string, token: string): void {
  if (readServerToken(dataDir) !== token) return;
  try {
    unlinkSync(serverTokenPath(dataDir));
  } catch {
    // already gone
  }
}
