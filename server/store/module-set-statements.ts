/** The statements of module sets and module changes (module-sets.ts), prepared once. */
import type Database from "better-sqlite3";
import { RUN_COLUMNS } from "./record-rows.js";

export function prepareModuleSetStatements(db: Database.Database) {
  return {
    /** The same set is written once, whatever the count of runs that refer to it. */
    insertSet: db.prepare("INSERT INTO module_sets (id, modules) VALUES (?, ?) ON CONFLICT (id) DO NOTHING"),
    insertRun: db.prepare(
      `INSERT INTO runs (${RUN_COLUMNS}, module_set, modules_at_start) VALUES (${Array(11).fill("?").join(", ")})`,
    ),
    /**
     * Changes of a run that exists: a change of a run whose creation was never committed (its
     * group failed) changes nothing, as an update of a missing row, instead of failing, with its
     * foreign key, every later group that holds it, and other runs' writes with them.
     */
    insertChanges: db.prepare(`
      INSERT INTO module_changes (run_id, changes)
      SELECT r.id, given.changes FROM (SELECT ? AS run_id, ? AS changes) given
      JOIN runs r ON r.id = given.run_id`),
    /** 1 when the run's modules are a set, 0 when they are rows, undefined for no such run. */
    isSetRun: db.prepare("SELECT module_set IS NOT NULL FROM runs WHERE id = ?").pluck(true),
    setOfRun: db.prepare(`
      SELECT s.modules, r.modules_at_start, r.created_at
      FROM runs r JOIN module_sets s ON s.id = r.module_set WHERE r.id = ?`),
    changesOfRun: db.prepare("SELECT changes FROM module_changes WHERE run_id = ? ORDER BY seq").pluck(true),
    /** Outputs given in a patch (never by the engine): cached under that module's signature. */
    upsertCacheOfModule: db.prepare(`
      INSERT INTO cache (signature, module_type, outputs)
      SELECT j.value ->> 2, j.value ->> 1, ?
      FROM runs r JOIN module_sets s ON s.id = r.module_set JOIN json_each(s.modules) j
      WHERE r.id = ? AND j.value ->> 0 = ?
      ON CONFLICT (signature) DO UPDATE
      SET module_type = excluded.module_type, outputs = excluded.outputs, created_at = excluded.created_at`),
    deleteChanges: db.prepare("DELETE FROM module_changes WHERE run_id = ?"),
    /** Sets no run refers to any more (their last run was deleted). */
    collectSets: db.prepare(
      "DELETE FROM module_sets WHERE id NOT IN (SELECT module_set FROM runs WHERE module_set IS NOT NULL)",
    ),
  };
}

export type ModuleSetStatements = ReturnType<typeof prepareModuleSetStatements>;
