import type { Migration } from "./migration.js";

/**
 * Schema step 5: a run's modules as ONE reference to a module set plus a log of changes, instead of
 * a row per module written at the start and updated as each module resolves (30,000 statements for a
 * 10,000-module run; an unchanged re-run wrote 10,000 rows).
 *
 * - A set ([[module_id, module_type, signature], ...] in the run's order) is content-addressed and
 *   shared by every run of the same modules and signatures; it goes with the last run referring to it.
 * - `modules_at_start` is the state of every module no change names: 'pending', or 'cached' (finished
 *   when the run was created) for a run served wholly from the cache, which then writes nothing else.
 * - `module_changes` holds the changes of a group commit in one row, replayed in order on reading.
 * - Outputs stay in the cache, found by signature: deleting another run never takes them away.
 *
 * Runs of earlier schemas keep their run_modules rows (module_set NULL) and are read as before.
 */
export const MODULE_SETS_MIGRATION: Migration = {
  version: 5,
  description: "a run's modules as one shared module set plus a log of changes, not a row per module",
  up(db) {
    db.exec(`
      CREATE TABLE module_sets (
        id      TEXT PRIMARY KEY,  -- SHA-256 of modules
        modules TEXT NOT NULL      -- JSON [[module_id, module_type, signature], ...] in the run's order
      );
      ALTER TABLE runs ADD COLUMN module_set TEXT REFERENCES module_sets (id);
      ALTER TABLE runs ADD COLUMN modules_at_start TEXT;  -- 'pending' | 'cached'; NULL: run_modules rows
      CREATE INDEX runs_by_module_set ON runs (module_set) WHERE module_set IS NOT NULL;

      CREATE TABLE module_changes (
        seq     INTEGER PRIMARY KEY,
        run_id  TEXT NOT NULL REFERENCES runs (id),
        changes TEXT NOT NULL  -- JSON [[module_id, {field: value | null (cleared)}], ...], in order
      );
      CREATE INDEX module_changes_by_run ON module_changes (run_id, seq);
    `);
  },
};
