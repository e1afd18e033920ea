/**
 * Every SQL statement of the Store, prepared once when the store opens (except the UPDATEs of
 * patches, prepared per shape by PatchStatements), with the table and key each write names when it
 * fails.
 */
import type Database from "better-sqlite3";
import type { WriteTarget } from "./group-commit.js";
import { JOB_COLUMNS, MODULE_COLUMNS, RUN_COLUMNS, RUN_SUMMARY_COLUMNS } from "./record-rows.js";

/**
 * Signatures per cache lookup: chunks of 500 measured faster than one json_each(?) or a temp table
 * for 10,000 signatures. A few signatures use a short statement: padding one to 500 costs ~80 us.
 */
export const SIGNATURES_PER_LOOKUP = 500;
export const SIGNATURES_PER_SHORT_LOOKUP = 16;

const placeholders = (count: number) => Array.from({ length: count }, () => "?").join(", ");

/** The modules' outputs come from the cache, only for modules that have results (done or cached). */
const MODULES_WITH_OUTPUTS = `
  SELECT m.module_id, m.module_type, m.status, m.signature, m.error, m.started_at, m.finished_at,
         c.outputs
  FROM run_modules m
  LEFT JOIN cache c ON m.status IN ('done', 'cached') AND c.signature = m.signature
  WHERE m.run_id = ?
  ORDER BY m.rowid`;

const UPSERT_CACHE_CONFLICT = `
  ON CONFLICT (signature) DO UPDATE
  SET module_type = excluded.module_type, outputs = excluded.outputs, created_at = excluded.created_at`;

/** Prepares every fixed statement of the Store on `db`, once. */
export function prepareStatements(db: Database.Database) {
  return {
    insertRun: db.prepare(`INSERT INTO runs (${RUN_COLUMNS}) VALUES (${placeholders(9)})`),
    getRun: db.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`),
    listRuns: db.prepare(
      `SELECT ${RUN_SUMMARY_COLUMNS} FROM runs ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?`,
    ),
    unfinishedRuns: db.prepare(
      `SELECT ${RUN_COLUMNS} FROM runs WHERE status IN ('running', 'suspended') ORDER BY created_at, rowid`,
    ),

    insertModule: db.prepare(`INSERT INTO run_modules (${MODULE_COLUMNS}) VALUES (${placeholders(8)})`),
    modules: db.prepare(MODULES_WITH_OUTPUTS),

    /** Outputs given in a module patch: cached under that module's signature. */
    upsertCacheOfModule: db.prepare(
      `INSERT INTO cache (signature, module_type, outputs)
       SELECT signature, module_type, ? FROM run_modules WHERE run_id = ? AND module_id = ?
       ${UPSERT_CACHE_CONFLICT}`,
    ),
    /** Rows as [signature, outputs] arrays: no object per hit. Short chunks are padded with NULLs. */
    cachedOutputs: cacheLookup(db, SIGNATURES_PER_LOOKUP),
    cachedOutputsShort: cacheLookup(db, SIGNATURES_PER_SHORT_LOOKUP),
    /** Signatures alone, for the modules a new run serves from the cache without reading results. */
    cachedSignatures: signatureLookup(db, SIGNATURES_PER_LOOKUP),
    cachedSignaturesShort: signatureLookup(db, SIGNATURES_PER_SHORT_LOOKUP),

    insertLog: db.prepare(
      "INSERT INTO run_log (run_id, module_id, at, level, message) VALUES (?, ?, ?, ?, ?)",
    ),
    runLog: db.prepare(
      "SELECT seq, run_id, module_id, at, level, message FROM run_log WHERE run_id = ? AND seq > ? ORDER BY seq",
    ),

    insertJob: db.prepare(`INSERT INTO jobs (${JOB_COLUMNS}) VALUES (${placeholders(18)})`),
    getJob: db.prepare(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = ?`),
    deleteJob: db.prepare("DELETE FROM jobs WHERE id = ?"),
    // One statement per filter, so each uses its index; a list of states is bound as one JSON array.
    allJobs: db.prepare(`SELECT ${JOB_COLUMNS} FROM jobs ORDER BY submitted_at, rowid`),
    jobsOfRun: db.prepare(`SELECT ${JOB_COLUMNS} FROM jobs WHERE run_id = ? ORDER BY submitted_at, rowid`),
    jobsOfSignature: db.prepare(
      `SELECT ${JOB_COLUMNS} FROM jobs WHERE signature = ? ORDER BY submitted_at, rowid`,
    ),
    jobsInStates: db.prepare(
      `SELECT ${JOB_COLUMNS} FROM jobs WHERE state IN (SELECT value FROM json_each(?))
       ORDER BY submitted_at, rowid`,
    ),
    jobsOfRunInStates: db.prepare(
      `SELECT ${JOB_COLUMNS} FROM jobs WHERE run_id = ? AND state IN (SELECT value FROM json_each(?))
       ORDER BY submitted_at, rowid`,
    ),

    getSetting: db.prepare("SELECT value FROM settings WHERE key = ?").pluck(true),
    putSetting: db.prepare(
      "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    ),
    // substr, not LIKE: a prefix's own _ and % are not wildcards.
    settingsWithPrefix: db.prepare(
      "SELECT key, value FROM settings WHERE substr(key, 1, length(@prefix)) = @prefix",
    ),
    deleteSetting: db.prepare("DELETE FROM settings WHERE key = ?"),

    // A run's rows, children first (the foreign keys refuse the reverse); the cache is shared and stays.
    deleteRunJobs: db.prepare("DELETE FROM jobs WHERE run_id = ?"),
    deleteRunLog: db.prepare("DELETE FROM run_log WHERE run_id = ?"),
    deleteRunModules: db.prepare("DELETE FROM run_modules WHERE run_id = ?"),
    deleteRun: db.prepare("DELETE FROM runs WHERE id = ?"),
  };
}

function cacheLookup(db: Database.Database, signatures: number): Database.Statement {
  return db
    .prepare(`SELECT signature, outputs FROM cache WHERE signature IN (${placeholders(signatures)})`)
    .raw(true);
}

function signatureLookup(db: Database.Database, signatures: number): Database.Statement {
  return db
    .prepare(`SELECT signature FROM cache WHERE signature IN (${placeholders(signatures)})`)
    .pluck(true);
}

/** The Store's prepared statements by purpose. */
export type StoreStatements = ReturnType<typeof prepareStatements>;

const quoted = (value: unknown) => JSON.stringify(value);

/** The table and key of each kind of write, read from the write's parameters when it fails. */
export const TARGETS = {
  insertRun: { table: "runs", key: (p) => `run ${quoted(p[0])}` },
  updateRun: { table: "runs", key: (p) => `run ${quoted(p.at(-1))}` },
  deleteRun: { table: "runs", key: (p) => `run ${quoted(p[0])}` },
  insertModule: { table: "run_modules", key: (p) => `run ${quoted(p[0])}, module ${quoted(p[1])}` },
  updateModule: { table: "run_modules", key: (p) => `run ${quoted(p.at(-2))}, module ${quoted(p.at(-1))}` },
  deleteRunModules: { table: "run_modules", key: (p) => `run ${quoted(p[0])}` },
  /** A batch of cache rows (cache-rows.ts): three values per row, the first row's signature named. */
  upsertCache: {
    table: "cache",
    key: (p) => `signature ${quoted(p[0])}${p.length > 3 ? ` and ${p.length / 3 - 1} more` : ""}`,
  },
  upsertCacheOfModule: {
    table: "cache",
    key: (p) => `outputs of run ${quoted(p[1])}, module ${quoted(p[2])}`,
  },
  insertLog: { table: "run_log", key: (p) => `run ${quoted(p[0])}` },
  deleteRunLog: { table: "run_log", key: (p) => `run ${quoted(p[0])}` },
  insertJob: { table: "jobs", key: (p) => `job ${quoted(p[0])}` },
  updateJob: { table: "jobs", key: (p) => `job ${quoted(p.at(-1))}` },
  deleteJob: { table: "jobs", key: (p) => `job ${quoted(p[0])}` },
  deleteRunJobs: { table: "jobs", key: (p) => `run ${quoted(p[0])}` },
  insertModuleSet: { table: "module_sets", key: (p) => `set ${quoted(p[0])}` },
  insertModuleChanges: { table: "module_changes", key: (p) => `run ${quoted(p[0])}` },
  deleteModuleChanges: { table: "module_changes", key: (p) => `run ${quoted(p[0])}` },
  collectModuleSets: { table: "module_sets", key: () => "sets no run refers to" },
  putSetting: { table: "settings", key: (p) => `setting ${quoted(p[0])}` },
  deleteSetting: { table: "settings", key: (p) => `setting ${quoted(p[0])}` },
} satisfies Record<string, WriteTarget>;
