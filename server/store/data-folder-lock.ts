/**
 * One engine owns a data folder at a time. The owner holds an exclusive lock on `<dataDir>/owner.lock`
 * for as long as it lives; the kernel drops the lock when the process ends, however it ends
 * (SIGKILL, a crash, a power cut), so the next labflow takes the folder at once.
 *
 * Why a kernel lock and not a pid file: a pid says nothing about who owns the folder. labflow as
 * pid 1 in a container, SIGKILLed and restarted, is pid 1 again and would refuse itself forever; a
 * reused pid or an unreaped zombie would also pass for a live owner.
 *
 * How: `owner.lock` is a small SQLite database opened with `locking_mode = EXCLUSIVE`; its first
 * write transaction takes an exclusive POSIX (fcntl) lock that the connection keeps until it is
 * closed. SQLite also refuses a second connection of the same process, and fcntl locks are not
 * inherited by child processes, so a job's command that outlives labflow never holds the folder.
 * The file itself is never removed: removing a lock file others may have open would let two
 * processes lock two different files. Nothing in labflow may open it other than through this
 * connection: closing any descriptor of the file drops a process's fcntl locks on it.
 */

import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import {
  type DataFolderOwner,
  OWNER_FILE_NAME,
  readDataFolderOwner,
  removeDataFolderOwner,
  writeDataFolderOwner,
} from "./data-folder-owner.js";
import { StoreError } from "./store-error.js";

/** The file whose kernel lock is the ownership of a data folder. */
export const LOCK_FILE_NAME = "owner.lock";

/** The lock, held. */
export interface HeldDataFolderLock {
  /** Removes `owner.json` and lets the lock go. Releasing twice is harmless. */
  release(): void;
}

/** `data_folder_in_use`, with what the holder wrote about itself (information, not the decision). */
export class DataFolderInUseError extends StoreError {
  constructor(
    readonly dataDir: string,
    readonly owner: DataFolderOwner | undefined,
  ) {
    super("data_folder_in_use", inUseMessage(dataDir, owner));
  }
}

/** Folders (resolved) whose lock this process holds, for `updateDataFolderOwner`. */
const heldByThisProcess = new Set<string>();

/**
 * Takes the data folder (creating it, private), or throws a `DataFolderInUseError` at once when
 * another process, or another acquisition in this one, holds it.
 */
export function acquireDataFolderLock(dataDir: string): HeldDataFolderLock {
  const dir = resolve(dataDir);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw unusable(dir, error);
  }
  const connection = lockExclusively(dir);
  try {
    writeDataFolderOwner(dir, { pid: process.pid, startedAt: new Date().toISOString() });
  } catch (error) {
    connection.close();
    throw unusable(dir, error, OWNER_FILE_NAME);
  }
  heldByThisProcess.add(dir);
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      heldByThisProcess.delete(dir);
      // While the lock is still ours: after it, the file may already be the next holder's.
      try {
        removeDataFolderOwner(dir);
      } finally {
        connection.close();
      }
    },
  };
}

/**
 * Adds to what `owner.json` says (e.g. the URL `serve` listens on). Only the holder of the folder's
 * lock may write it.
 */
export function updateDataFolderOwner(
  dataDir: string,
  patch: Partial<Omit<DataFolderOwner, "pid" | "startedAt">>,
): void {
  const dir = resolve(dataDir);
  const current = readDataFolderOwner(dir);
  if (!heldByThisProcess.has(dir) || current?.pid !== process.pid) {
    throw new Error(`cannot update the owner of ${dir}: this process (pid ${process.pid}) does not hold it`);
  }
  writeDataFolderOwner(dir, { ...current, ...patch });
}

/** An open connection holding the exclusive lock, or a DataFolderInUseError. */
function lockExclusively(dir: string): Database.Database {
  let connection: Database.Database;
  try {
    // timeout 0: a held lock is answered at once, never waited for.
    connection = new Database(join(dir, LOCK_FILE_NAME), { timeout: 0 });
  } catch (error) {
    throw unusable(dir, error);
  }
  try {
    connection.pragma("locking_mode = EXCLUSIVE");
    // Nothing is ever written: no journal file beside the lock.
    connection.pragma("journal_mode = MEMORY");
    connection.exec("BEGIN EXCLUSIVE; COMMIT");
    return connection;
  } catch (error) {
    connection.close();
    if ((error as { code?: unknown }).code === "SQLITE_BUSY")
      throw new DataFolderInUseError(dir, readDataFolderOwner(dir));
    throw unusable(dir, error, LOCK_FILE_NAME);
  }
}

/**
 * A folder labflow cannot create, lock or describe (a file in its place, no permission, a foreign
 * owner.lock).
 */
function unusable(dir: string, error: unknown, file?: string): StoreError {
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreError(
    "data_folder_unusable",
    `data folder ${dir} cannot be used: ${file ? `${file}: ` : ""}${reason}`,
    { cause: error },
  );
}

function inUseMessage(dataDir: string, owner: DataFolderOwner | undefined): string {
  if (!owner) return `data folder ${dataDir} is in use by another labflow process`;
  const serving = owner.url ? `, serving ${owner.url}` : "";
  return (
    `data folder ${dataDir} is in use by labflow pid ${owner.pid} (since ${owner.startedAt}${serving}); ` +
    "stop it or wait for it to finish"
  );
}
