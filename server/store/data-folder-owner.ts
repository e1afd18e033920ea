/**
 * `<dataDir>/owner.json`: who holds the data folder (pid, start time and, for `labflow serve`, its
 * URL, where the CLI finds the server). Information only, for messages and for reaching the
 * server: whether the folder is held is decided by the kernel lock of data-folder-lock.ts, never by
 * this file (a SIGKILLed holder leaves it behind, and its pid may be reused, or be 1 in a container).
 */

import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** The information file inside a data folder. */
export const OWNER_FILE_NAME = "owner.json";

/** What `owner.json` holds. */
export interface DataFolderOwner {
  pid: number;
  startedAt: string;
  /** Where `labflow serve` listens, for the CLI to act through it. */
  url?: string;
}

/** What the folder's holder (or its last holder, if it was killed) wrote; undefined when none or unreadable. */
export function readDataFolderOwner(dataDir: string): DataFolderOwner | undefined {
  let text: string;
  try {
    text = readFileSync(ownerPath(dataDir), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<DataFolderOwner> | null;
    if (!Number.isInteger(value?.pid) || typeof value?.startedAt !== "string") return undefined;
    return value as DataFolderOwner;
  } catch {
    return undefined;
  }
}

/**
 * Replaces the file by a rename, so a reader sees the old content or the new one, never a part.
 * Only the holder of the folder's lock writes it.
 */
export function writeDataFolderOwner(dataDir: string, owner: DataFolderOwner): void {
  const path = ownerPath(dataDir);
  const next = `${path}.${process.pid}.tmp`;
  writeFileSync(next, JSON.stringify(owner), { mode: 0o600 });
  renameSync(next, path);
}

/** Removes the file; only the holder of the folder's lock calls it, before it lets the lock go. */
export function removeDataFolderOwner(dataDir: string): void {
  rmSync(ownerPath(dataDir), { force: true });
}

function ownerPath(dataDir: string): string {
  return join(resolve(dataDir), OWNER_FILE_NAME);
}
