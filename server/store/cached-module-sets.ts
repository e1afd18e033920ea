/**
 * A run served wholly from the cache, kept as one reference to a shared module set (see
 * cached-sets-migration.ts): when a run qualifies, the set's text and id, and the statements that
 * write, read back, spread into rows and collect sets.
 */
import { createHash } from "node:crypto";
import type Database from "better-sqlite3";
import type { ModuleRunRecord, RunRecord } from "../engine/records.js";

/** The set of a new run, or undefined when the run needs a row per module. */
export interface CachedSet {
  id: string;
  modules: string;
}

/**
 * A run qualifies when every module is `cached`, finished when the run was created, and carries
 * nothing else (no error, no start time): exactly what the set form gives back.
 */
export function cachedSetOf(run: RunRecord, modules: readonly ModuleRunRecord[]): CachedSet | undefined {
  if (modules.length === 0) return undefined;
  const entries: [string, string, string][] = new Array(modules.length);
  for (let i = 0; i < modules.length; i++) {
    const m = modules[i] as ModuleRunRecord;
    if (m.status !== "cached" || m.finishedAt !== run.createdAt) return undefined;
    if (m.error !== undefined || m.startedAt !== undefined) return undefined;
    entries[i] = [m.moduleId, m.moduleType, m.signature];
  }
  const text = JSON.stringify(entries);
  return { id: createHash("sha256").update(text).digest("hex"), modules: text };
}

/** The statements of module sets, prepared once. */
export function prepareCachedSetStatements(db: Database.Database) {
  return {
    /** The same set is written once, whatever the count of runs that refer to it. */
    insert: db.prepare("INSERT INTO module_sets (id, modules) VALUES (?, ?) ON CONFLICT (id) DO NOTHING"),
    /** A run's set, if it has one. */
    ofRun: db.prepare("SELECT cached_set FROM runs WHERE id = ?").pluck(true),
    /** The set's modules as module rows, outputs joined from the cache, in the run's order. */
    modules: db.prepare(`
      SELECT j.value ->> 0 AS module_id, j.value ->> 1 AS module_type, 'cached' AS status,
             j.value ->> 2 AS signature, NULL AS error, NULL AS started_at, r.created_at AS finished_at,
             c.outputs
      FROM runs r
      JOIN module_sets s ON s.id = r.cached_set
      JOIN json_each(s.modules) j
      LEFT JOIN cache c ON c.signature = j.value ->> 2
      WHERE r.id = ?
      ORDER BY j.key`),
    /** Before a module of a set run changes: the set becomes the run's own rows. */
    spread: db.prepare(`
      INSERT INTO run_modules (run_id, module_id, module_type, status, signature, finished_at)
      SELECT r.id, j.value ->> 0, j.value ->> 1, 'cached', j.value ->> 2, r.created_at
      FROM runs r JOIN module_sets s ON s.id = r.cached_set JOIN json_each(s.modules) j
      WHERE r.id = ?`),
    unlink: db.prepare("UPDATE runs SET cached_set = NULL WHERE id = ?"),
    /** Sets no run refers to (their last run was deleted or spread). */
    collect: db.prepare(
      "DELETE FROM module_sets WHERE id NOT IN (SELECT cached_set FROM runs WHERE cached_set IS NOT NULL)",
    ),
  };
}

export type CachedSetStatements = ReturnType<typeof prepareCachedSetStatements>;
