import Database from "better-sqlite3";
import { migrate, refuseNewerSchema } from "./migrations.js";
import { makeFilesPrivate } from "./private-files.js";

/** How long a statement waits for another connection's lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens (or creates) the SQLite file, configured for the Store, at the latest schema.
 *
 * WAL with `synchronous = NORMAL`: a commit is in the WAL (the OS's page cache) when it returns, so it
 * survives a crash or SIGKILL of the process. Only a power loss or OS crash may lose the last commits
 * before a checkpoint; it never corrupts the database. FULL would fsync every commit, which group
 * commit makes affordable but which buys nothing against the crashes labflow has to survive.
 */
export function openDatabase(file: string): Database.Database {
  const db = new Database(file);
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // Before anything writes to the file: a newer labflow's database is left exactly as it was.
    refuseNewerSchema(db, file);
    db.pragma("journal_mode = WAL");
    // Made by an older labflow or another umask: runs, outputs and settings are for this user only.
    makeFilesPrivate(file, `${file}-wal`, `${file}-shm`);
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    migrate(db, file);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
