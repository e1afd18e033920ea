import Database from "better-sqlite3";
import { migrate, refuseNewerSchema } from "./migrations.js";
import { makeFilesPrivate } from "./private-files.js";
import { StoreError } from "./store-error.js";

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
  let db: Database.Database;
  try {
    db = new Database(file);
  } catch (error) {
    throw unusableDatabase(file, error);
  }
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
    throw unusableDatabase(file, error);
  }
}

/**
 * SQLite's answers a person acts on (another file in the database's place, a damaged or read-only
 * file, a full disk) as `data_folder_unusable` naming the file; anything else stays as it is.
 */
const UNUSABLE_DATABASE_CODES = [
  "SQLITE_NOTADB",
  "SQLITE_CORRUPT",
  "SQLITE_CANTOPEN",
  "SQLITE_READONLY",
  "SQLITE_FULL",
  "SQLITE_IOERR",
];

function unusableDatabase(file: string, error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  if (!(error instanceof Error) || typeof code !== "string") return error;
  if (!UNUSABLE_DATABASE_CODES.some((prefix) => code === prefix || code.startsWith(`${prefix}_`)))
    return error;
  return new StoreError(
    "data_folder_unusable",
    `database ${file} cannot be used: ${error.message} (${code})`,
    {
      cause: error,
    },
  );
}
