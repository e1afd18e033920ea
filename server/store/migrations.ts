import type Database from "better-sqlite3";
import { GROUPED_CHANGES_MIGRATION } from "./grouped-changes-migration.js";
import type { Migration } from "./migration.js";
import { MODULE_SETS_MIGRATION } from "./module-sets-migration.js";
import { PIPELINES_MIGRATION } from "./pipelines-migration.js";
import { StoreError } from "./store-error.js";

export type { Migration } from "./migration.js";

/**
 * Every schema change, oldest first. Never edit a released migration: add the next one, so a data
 * folder of any earlier labflow upgrades step by step.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "runs, their modules, the output cache, the run log and jobs",
    up(db) {
      db.exec(`
        CREATE TABLE runs (
          id            TEXT PRIMARY KEY,
          workflow_name TEXT NOT NULL,  -- the document's name, kept apart so listing never parses documents
          document      TEXT NOT NULL,  -- JSON
          status        TEXT NOT NULL,
          options       TEXT NOT NULL,  -- JSON
          created_at    TEXT NOT NULL,
          updated_at    TEXT NOT NULL,
          finished_at   TEXT,
          message       TEXT
        );
        -- listRuns, newest first (rowid breaks ties of runs created in the same millisecond).
        CREATE INDEX runs_by_creation ON runs (created_at);
        -- unfinishedRuns: small, as finished runs are most of the table.
        CREATE INDEX runs_unfinished ON runs (created_at) WHERE status IN ('running', 'suspended');

        -- Outputs are not kept per run: a module that is done or cached finds them here by signature.
        CREATE TABLE run_modules (
          run_id      TEXT NOT NULL REFERENCES runs (id),
          module_id   TEXT NOT NULL,
          module_type TEXT NOT NULL,
          status      TEXT NOT NULL,
          signature   TEXT NOT NULL,
          error       TEXT,  -- JSON
          started_at  TEXT,
          finished_at TEXT,
          PRIMARY KEY (run_id, module_id)
        );

        CREATE TABLE cache (
          signature   TEXT PRIMARY KEY,
          module_type TEXT NOT NULL,
          outputs     TEXT NOT NULL,  -- JSON
          created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        );

        CREATE TABLE run_log (
          seq       INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, so a client's afterSeq stays valid
          run_id    TEXT NOT NULL REFERENCES runs (id),
          module_id TEXT,
          at        TEXT NOT NULL,
          level     TEXT NOT NULL,
          message   TEXT NOT NULL
        );
        CREATE INDEX run_log_by_run ON run_log (run_id, seq);

        CREATE TABLE jobs (
          id              TEXT PRIMARY KEY,
          run_id          TEXT NOT NULL REFERENCES runs (id),
          module_id       TEXT NOT NULL,
          module_type     TEXT NOT NULL,
          signature       TEXT NOT NULL,
          kind            TEXT NOT NULL,
          params          TEXT NOT NULL,  -- JSON, 'null' until start returned
          state           TEXT NOT NULL,
          paused          INTEGER NOT NULL,  -- 0 or 1
          interval_ms     INTEGER,
          submitted_at    TEXT NOT NULL,
          started_at      TEXT,
          finished_at     TEXT,
          last_checked_at TEXT,
          next_check_at   TEXT,
          progress        REAL,
          message         TEXT,
          failed_checks   INTEGER NOT NULL
        );
        CREATE INDEX jobs_by_state ON jobs (state);
        CREATE INDEX jobs_by_run ON jobs (run_id, state);
      `);
    },
  },
  {
    version: 2,
    description: "server settings people change (check interval, auto-resume), kept across restarts",
    up(db) {
      db.exec(`
        CREATE TABLE settings (
          key   TEXT PRIMARY KEY,
          value TEXT NOT NULL  -- JSON
        );
      `);
    },
  },
  PIPELINES_MIGRATION,
  {
    version: 4,
    description: "jobs found by their work (signature): a second execution attaches to the running job",
    up(db) {
      db.exec("CREATE INDEX jobs_by_signature ON jobs (signature)");
    },
  },
  MODULE_SETS_MIGRATION,
  GROUPED_CHANGES_MIGRATION,
];

/** The schema version this labflow writes. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/**
 * Brings the database to the latest schema, one migration per transaction, or refuses a database
 * made by a newer labflow (whose schema this one cannot know) before touching it.
 */
export function migrate(
  db: Database.Database,
  file: string,
  migrations: readonly Migration[] = MIGRATIONS,
): void {
  refuseNewerSchema(db, file, migrations);
  for (const migration of migrations) {
    if (schemaVersion(db) >= migration.version) continue;
    // IMMEDIATE, and the version read again inside: two processes opening a fresh file cannot both apply it.
    db.transaction(() => {
      if (schemaVersion(db) >= migration.version) return;
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}

/** The applied schema version (0 for a new file). */
export function schemaVersion(db: Database.Database): number {
  return db.pragma("user_version", { simple: true }) as number;
}

/** Throws when the database was made by a newer labflow, whose schema this one cannot know. */
export function refuseNewerSchema(
  db: Database.Database,
  file: string,
  migrations: readonly Migration[] = MIGRATIONS,
): void {
  const latest = migrations.at(-1)?.version ?? 0;
  const version = schemaVersion(db);
  if (version > latest) {
    throw new StoreError(
      "store_schema_too_new",
      `${file} has schema version ${version}, written by a newer labflow; this labflow knows up to ` +
        `version ${latest}. Upgrade labflow to open this data folder.`,
    );
  }
}
