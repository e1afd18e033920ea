/**
 * One engine owns a data folder at a time. The owner holds `<dataDir>/labflow.lock`, a small JSON file
 * naming its pid (and, for `labflow serve`, its URL, where the CLI finds it). A lock whose process
 * is gone (a SIGKILL, a power cut) is stale and taken over.
 */

import {
  closeSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { isProcessAlive } from "../../modules/sdk/process-alive.js";
import { StoreError } from "./store-error.js";

/** The lock file inside a data folder. */
export const LOCK_FILE_NAME = "labflow.lock";

/** What the lock file holds. */
export interface DataFolderLock {
  pid: number;
  startedAt: string;
  /** Where `labflow serve` listens, for the CLI to act through it. */
  url?: string;
}

/** The lock, held. */
export interface HeldDataFolderLock {
  /** Removes the lock file if it is still this one. Releasing twice is harmless. */
  release(): void;
}

/**
 * A lock file is empty for the microseconds between its creation and its write: one that is still
 * unreadable after this long was left by a process killed in between.
 */
const UNREADABLE_LOCK_GRACE_MS = 2_000;

/**
 * The current holder of each lock this process holds. The file alone cannot tell two acquisitions
 * of one process apart (same pid, possibly the same millisecond): a released holder must not remove
 * the lock of the next one.
 */
const heldByThisProcess = new Map<string, symbol>();

/**
 * Takes the data folder (creating it), or throws a StoreError `data_folder_in_use` naming the pid
 * that holds it. A lock left by a dead process is taken over.
 */
export function acquireDataFolderLock(dataDir: string): HeldDataFolderLock {
  mkdirSync(dataDir, { recursive: true });
  const path = lockPath(dataDir);
  const mine: DataFolderLock = { pid: process.pid, startedAt: new Date().toISOString() };
  // Each round takes the lock, names a live holder, or removes a stale lock; more than a few rounds
  // means other processes keep racing for the folder.
  for (let round = 0; round < 5; round++) {
    if (createExclusively(path, JSON.stringify(mine))) {
      const token = Symbol(path);
      heldByThisProcess.set(path, token);
      return { release: () => releaseIfHeld(path, token) };
    }
    const text = readText(path);
    if (text === undefined) continue; // released in between
    const holder = parseLock(text);
    if (holder && isProcessAlive(holder.pid)) {
      throw new StoreError(
        "data_folder_in_use",
        `data folder ${dataDir} is in use by labflow pid ${holder.pid} (since ${holder.startedAt}` +
          `${holder.url ? `, serving ${holder.url}` : ""}); stop it first, or remove ${path} if that ` +
          "process is not labflow",
      );
    }
    if (!holder && isYoung(path)) {
      throw new StoreError(
        "data_folder_in_use",
        `data folder ${dataDir} is being taken by another labflow process that is starting`,
      );
    }
    removeStaleLock(path, text);
  }
  throw new StoreError(
    "data_folder_in_use",
    `data folder ${dataDir}: could not take its lock, other labflow processes keep taking it`,
  );
}

/** The lock's content, or undefined when the folder is not locked (or the file is unreadable). */
export function readDataFolderLock(dataDir: string): DataFolderLock | undefined {
  return readDataFolderLockAt(lockPath(dataDir));
}

/**
 * Adds to the lock this process holds (e.g. the URL `serve` listens on). Replaces the file by a
 * rename, so a reader sees the old content or the new one, never a part.
 */
export function updateDataFolderLock(
  dataDir: string,
  patch: Partial<Omit<DataFolderLock, "pid" | "startedAt">>,
): void {
  const path = lockPath(dataDir);
  const current = readDataFolderLockAt(path);
  if (!heldByThisProcess.has(path) || current?.pid !== process.pid) {
    throw new Error(`cannot update ${path}: this process (pid ${process.pid}) does not hold it`);
  }
  const next = `${path}.${process.pid}.tmp`;
  writeFileSync(next, JSON.stringify({ ...current, ...patch }));
  renameSync(next, path);
}

function lockPath(dataDir: string): string {
  // Resolved: the same folder named two ways is one entry of heldByThisProcess.
  return join(resolve(dataDir), LOCK_FILE_NAME);
}

/** O_EXCL: of processes creating the file at once, exactly one succeeds. */
function createExclusively(path: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx");
  } catch (error) {
    if (errorCode(error) === "EEXIST") return false;
    throw error;
  }
  try {
    writeSync(fd, text);
  } catch (error) {
    // An empty lock would block the folder for the grace period: leave none.
    closeSync(fd);
    unlinkSync(path);
    throw error;
  }
  closeSync(fd);
  return true;
}

/**
 * Removes a stale lock, unless another process replaced it meanwhile. Renaming it aside first
 * (atomic) and comparing what was moved closes the race of two processes taking over the same stale
 * lock: the second one would otherwise delete the lock the first one just made.
 */
function removeStaleLock(path: string, staleText: string): void {
  const aside = `${path}.${process.pid}.stale`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return; // someone else removed it: try again
    throw error;
  }
  if (readText(aside) === staleText) {
    unlinkSync(aside);
    return;
  }
  // We moved the fresh lock of the process that took over first: put it back. link, not rename, so
  // that a lock a third process made meanwhile is not overwritten (that one then wins the folder).
  try {
    linkSync(aside, path);
  } finally {
    unlinkSync(aside);
  }
}

function releaseIfHeld(path: string, token: symbol): void {
  if (heldByThisProcess.get(path) !== token) return;
  heldByThisProcess.delete(path);
  // The file may have been taken over meanwhile (removed by hand, then locked by another process).
  if (readDataFolderLockAt(path)?.pid !== process.pid) return;
  try {
    unlinkSync(path);
  } catch (error) {
    if (errorCode(error) !== "ENOENT") throw error;
  }
}

function readDataFolderLockAt(path: string): DataFolderLock | undefined {
  const text = readText(path);
  return text === undefined ? undefined : parseLock(text);
}

function parseLock(text: string): DataFolderLock | undefined {
  try {
    const value = JSON.parse(text) as Partial<DataFolderLock> | null;
    // pid 0 or negative would name a process group to process.kill: never a lock holder.
    if (!Number.isInteger(value?.pid) || (value?.pid as number) <= 0) return undefined;
    if (typeof value?.startedAt !== "string") return undefined;
    return value as DataFolderLock;
  } catch {
    return undefined;
  }
}

function isYoung(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs < UNREADABLE_LOCK_GRACE_MS;
  } catch {
    return false;
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw error;
  }
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
