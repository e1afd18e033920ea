import type { Migration } from "./migration.js";

/**
 * Schema step 5: a run whose every module was served from the cache when it started keeps its
 * modules as ONE reference to a module set instead of a row per module (an unchanged re-run of
 * 10,000 modules wrote 10,000 rows). A set is content-addressed and shared by every run of the same
 * modules and signatures; the outputs stay in the cache, found by signature, so deleting another
 * run never takes them away. A set no run refers to any more is deleted with its last run.
 */
export const CACHED_SETS_MIGRATION: Migration = {
  version: 5,
  description: "a run served wholly from the cache refers to one shared module set, not a row per module",
  up(db) {
    db.exec(`
      CREATE TABLE module_sets (
        id      TEXT PRIMARY KEY,  -- SHA-256 of modules
        modules TEXT NOT NULL      -- JSON [[module_id, module_type, signature], ...] in the run's order
      );
      -- Set: every module of the run is 'cached', finished when the run was created; no run_modules rows.
      ALTER TABLE runs ADD COLUMN cached_set TEXT REFERENCES module_sets (id);
      CREATE INDEX runs_by_cached_set ON runs (cached_set) WHERE cached_set IS NOT NULL;
    `);
  },
};
