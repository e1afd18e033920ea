import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type Database from "better-sqlite3";
import type { JobRecord, ModuleRunRecord, RunLogEntry, RunRecord } from "../engine/records.js";
import type { JobFilter, RunSummary, Store } from "../engine/store.js";
import { CacheRowsStatement } from "./cache-rows.js";
import { GroupCommit, type WriteParams, type WriteStatement, type WriteTarget } from "./group-commit.js";
import { type ModuleSetStatements, prepareModuleSetStatements } from "./module-set-statements.js";
import {
  changeOf,
  changesText,
  type ModuleChange,
  type ModulesAtStart,
  moduleSetOf,
  replayModules,
} from "./module-sets.js";
import { PatchStatements } from "./patch-statements.js";
import {
  JOB_PATCH_COLUMNS,
  type JobRow,
  jobFromRow,
  jobParams,
  type LogRow,
  logEntryFromRow,
  logParams,
  MODULE_PATCH_COLUMNS,
  type ModuleRow,
  moduleFromRow,
  moduleParams,
  RUN_PATCH_COLUMNS,
  type RunRow,
  type RunSummaryRow,
  runFromRow,
  runParams,
  runSummaryFromRow,
  toJson,
} from "./record-rows.js";
import { openDatabase } from "./sqlite-connection.js";
import { StoreError } from "./store-error.js";
import {
  prepareStatements,
  SIGNATURES_PER_LOOKUP,
  SIGNATURES_PER_SHORT_LOOKUP,
  type StoreStatements,
  TARGETS,
} from "./store-statements.js";

/** The database file inside a data folder. */
export const DATABASE_FILE_NAME = "labflow.db";

/**
 * Opens the Store of a data folder (`<dataDir>/labflow.db`), creating the folder and the database,
 * and bringing an older schema up to date. Take the data folder's lock first (data-folder-lock.ts):
 * one engine writes a data folder at a time.
 */
export function openSqliteStore(dataDir: string): SqliteStore {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, DATABASE_FILE_NAME);
  return new SqliteStore(openDatabase(file), file);
}

/**
 * The Store on SQLite (better-sqlite3, WAL). Writes are queued and committed together at the end of
 * the event-loop turn (group commit, see GroupCommit); every read and `flush()` commits the queue
 * first, so reads see every earlier write and a failed write is thrown to them.
 *
 * Module outputs are not kept per run: they live in the cache under the module's signature, and
 * `modules()` joins them back for modules that are done or cached. Outputs given in `createRun` or
 * `updateModule` are therefore written to the cache.
 *
 * A run's modules are one reference to a shared module set plus a log of changes, one row per run
 * and group commit (module-sets.ts): a 10,000-module run writes a few rows, not 10,000 twice, and
 * an unchanged re-run writes none. Runs of earlier schemas keep a row per module; `modules()` reads
 * both shapes alike.
 *
 * Updating or deleting a row that does not exist changes nothing.
 */
export class SqliteStore implements Store {
  private readonly writes: GroupCommit;
  private readonly sql: StoreStatements;
  private readonly runPatches: PatchStatements;
  private readonly modulePatches: PatchStatements;
  private readonly jobPatches: PatchStatements;
  private readonly sets: ModuleSetStatements;
  /** Whether a run's modules are a set (or rows), for the runs this store has met (read once otherwise). */
  private readonly setRuns = new Map<string, boolean>();
  /** Per run, the changes of the group now queued: they commit as one row. */
  private readonly openChanges = new Map<string, { group: number; changes: ModuleChange[] }>();
  /** The cache rows of the group now queued, written together where the first was queued. */
  private openCacheRows: { group: number; values: unknown[] } | undefined;
  private readonly cacheRows: CacheRowsStatement;
  private closed = false;

  /** Takes over an open database at the latest schema; `openSqliteStore` is the usual way in. */
  constructor(
    private readonly db: Database.Database,
    /** The database file, for messages. */
    readonly file: string,
  ) {
    this.writes = new GroupCommit(db);
    this.sql = prepareStatements(db);
    this.runPatches = new PatchStatements(db, "runs", RUN_PATCH_COLUMNS, ["id"]);
    this.modulePatches = new PatchStatements(db, "run_modules", MODULE_PATCH_COLUMNS, [
      "run_id",
      "module_id",
    ]);
    this.jobPatches = new PatchStatements(db, "jobs", JOB_PATCH_COLUMNS, ["id"]);
    this.sets = prepareModuleSetStatements(db);
    this.cacheRows = new CacheRowsStatement(db);
  }

  createRun(run: RunRecord, modules: ModuleRunRecord[], documentJson?: string): void {
    const stranger = modules.find((m) => m.runId !== run.id);
    if (stranger) {
      throw new StoreError(
        "store_write_failed",
        `cannot write run_modules (run "${run.id}", module "${stranger.moduleId}"): ` +
          `the module belongs to run "${stranger.runId}"`,
      );
    }
    // Queued together, so they commit in one transaction: a run is never seen without its modules.
    const set = moduleSetOf(run, modules);
    this.setRuns.set(run.id, set !== undefined);
    if (set) {
      this.write(TARGETS.insertModuleSet, this.sets.insertSet, [set.id, set.text]);
      this.write(TARGETS.insertRun, this.sets.insertRun, [
        ...runParams(run, documentJson),
        set.id,
        set.atStart,
      ]);
      if (set.initial.length > 0)
        this.write(TARGETS.insertModuleChanges, this.sets.insertChanges, [run.id, changesText(set.initial)]);
    } else {
      this.write(TARGETS.insertRun, this.sql.insertRun, runParams(run, documentJson));
    }
    for (const module of modules) {
      if (!set) this.write(TARGETS.insertModule, this.sql.insertModule, moduleParams(run.id, module));
      if (module.outputs !== undefined)
        this.cacheOutputs(module.signature, module.moduleType, module.outputs);
    }
  }

  updateRun(id: string, patch: Partial<Omit<RunRecord, "id" | "document" | "createdAt">>): void {
    const update = this.runPatches.bind(patch, [id]);
    if (update) this.write(TARGETS.updateRun, update.statement, update.params);
  }

  getRun(id: string): RunRecord | undefined {
    this.beforeRead();
    const row = this.sql.getRun.get(id) as RunRow | undefined;
    return row && runFromRow(row);
  }

  listRuns(options: { limit?: number; offset?: number } = {}): RunSummary[] {
    this.beforeRead();
    // LIMIT -1 is SQLite's "no limit".
    const rows = this.sql.listRuns.all(options.limit ?? -1, options.offset ?? 0) as RunSummaryRow[];
    return rows.map(runSummaryFromRow);
  }

  unfinishedRuns(): RunRecord[] {
    this.beforeRead();
    return (this.sql.unfinishedRuns.all() as RunRow[]).map(runFromRow);
  }

  deleteRun(id: string): void {
    this.write(TARGETS.deleteRunJobs, this.sql.deleteRunJobs, [id]);
    this.write(TARGETS.deleteRunLog, this.sql.deleteRunLog, [id]);
    this.write(TARGETS.deleteRunModules, this.sql.deleteRunModules, [id]);
    this.write(TARGETS.deleteModuleChanges, this.sets.deleteChanges, [id]);
    this.write(TARGETS.deleteRun, this.sql.deleteRun, [id]);
    // The set it referred to goes with its last run; the cached outputs stay for every other run.
    this.write(TARGETS.collectModuleSets, this.sets.collectSets, []);
    this.setRuns.delete(id);
  }

  updateModule(
    runId: string,
    moduleId: string,
    patch: Partial<Omit<ModuleRunRecord, "runId" | "moduleId">>,
  ): void {
    if (this.isSetRun(runId)) {
      const change = changeOf(patch);
      if (change) this.logChange(runId, [moduleId, change]);
      if (patch.outputs !== undefined) {
        this.closeCacheRows();
        this.write(TARGETS.upsertCacheOfModule, this.sets.upsertCacheOfModule, [
          toJson(patch.outputs),
          runId,
          moduleId,
        ]);
      }
      return;
    }
    const update = this.modulePatches.bind(patch, [runId, moduleId]);
    if (update) this.write(TARGETS.updateModule, update.statement, update.params);
    if (patch.outputs !== undefined) {
      this.closeCacheRows();
      this.write(TARGETS.upsertCacheOfModule, this.sql.upsertCacheOfModule, [
        toJson(patch.outputs),
        runId,
        moduleId,
      ]);
    }
  }

  modules(runId: string): ModuleRunRecord[] {
    this.beforeRead();
    if (!this.isSetRun(runId))
      return (this.sql.modules.all(runId) as ModuleRow[]).map((row) => moduleFromRow(runId, row));
    const set = this.sets.setOfRun.get(runId) as
      | { modules: string; modules_at_start: ModulesAtStart; created_at: string }
      | undefined;
    if (!set) return [];
    const changes = this.sets.changesOfRun.all(runId) as string[];
    const records = replayModules(runId, set.modules, set.modules_at_start, set.created_at, changes);
    const finished = records.filter((m) => m.status === "done" || m.status === "cached");
    const outputs = this.cachedOutputs(finished.map((m) => m.signature));
    for (const m of finished) {
      const found = outputs.get(m.signature);
      if (found !== undefined) m.outputs = found;
    }
    return records;
  }

  /** Whether the run's modules are a set (module-sets.ts) or rows (a run of an earlier schema). */
  private isSetRun(runId: string): boolean {
    let known = this.setRuns.get(runId);
    if (known === undefined) {
      this.beforeRead();
      known = this.sets.isSetRun.get(runId) === 1;
      this.setRuns.set(runId, known);
    }
    return known;
  }

  /**
   * Adds a change to the run's batch of this group commit: the batch is written as one row when the
   * group commits, at the place of its first change (changes of one run keep their order).
   */
  private logChange(runId: string, change: ModuleChange): void {
    const open = this.openChanges.get(runId);
    if (open && open.group === this.writes.group) {
      open.changes.push(change);
      return;
    }
    const batch = { group: this.writes.group, changes: [change] };
    this.openChanges.set(runId, batch);
    this.write(TARGETS.insertModuleChanges, this.sets.insertChanges, () => {
      if (this.openChanges.get(runId) === batch) this.openChanges.delete(runId);
      return [runId, changesText(batch.changes)];
    });
  }

  cachedOutputs(signatures: readonly string[]): Map<string, Record<string, unknown>> {
    this.beforeRead();
    const found = new Map<string, Record<string, unknown>>();
    for (let start = 0; start < signatures.length; start += SIGNATURES_PER_LOOKUP) {
      const chunk: (string | null)[] = signatures.slice(start, start + SIGNATURES_PER_LOOKUP);
      const short = chunk.length <= SIGNATURES_PER_SHORT_LOOKUP;
      const lookup = short ? this.sql.cachedOutputsShort : this.sql.cachedOutputs;
      // A statement has a fixed count of placeholders: NULL matches no signature.
      const size = short ? SIGNATURES_PER_SHORT_LOOKUP : SIGNATURES_PER_LOOKUP;
      while (chunk.length < size) chunk.push(null);
      for (const [signature, outputs] of lookup.all(chunk) as [string, string][]) {
        found.set(signature, JSON.parse(outputs));
      }
    }
    return found;
  }

  cachedSignatures(signatures: readonly string[]): Set<string> {
    this.beforeRead();
    const found = new Set<string>();
    for (let start = 0; start < signatures.length; start += SIGNATURES_PER_LOOKUP) {
      const chunk: (string | null)[] = signatures.slice(start, start + SIGNATURES_PER_LOOKUP);
      const short = chunk.length <= SIGNATURES_PER_SHORT_LOOKUP;
      const lookup = short ? this.sql.cachedSignaturesShort : this.sql.cachedSignatures;
      // A statement has a fixed count of placeholders: NULL matches no signature.
      const size = short ? SIGNATURES_PER_SHORT_LOOKUP : SIGNATURES_PER_LOOKUP;
      while (chunk.length < size) chunk.push(null);
      for (const signature of lookup.all(chunk) as string[]) found.add(signature);
    }
    return found;
  }

  /**
   * Queued as a row of this group's cache batch (multi-row upserts, cache-rows.ts), which commits
   * at the place of its first row; a write of a module's outputs to the cache closes the batch, so
   * cache writes keep their order.
   */
  cacheOutputs(signature: string, moduleType: string, outputs: Record<string, unknown>): void {
    const json = toJson(outputs);
    this.assertOpen();
    const open = this.openCacheRows;
    if (open && open.group === this.writes.group) {
      open.values.push(signature, moduleType, json);
      return;
    }
    const batch = { group: this.writes.group, values: [signature, moduleType, json] };
    this.openCacheRows = batch;
    this.write(TARGETS.upsertCache, this.cacheRows, () => {
      if (this.openCacheRows === batch) this.openCacheRows = undefined;
      return batch.values;
    });
  }

  private closeCacheRows(): void {
    this.openCacheRows = undefined;
  }

  appendLog(entry: Omit<RunLogEntry, "seq">): void {
    this.write(TARGETS.insertLog, this.sql.insertLog, logParams(entry));
  }

  runLog(runId: string, afterSeq = 0): RunLogEntry[] {
    this.beforeRead();
    return (this.sql.runLog.all(runId, afterSeq) as LogRow[]).map(logEntryFromRow);
  }

  createJob(job: JobRecord): void {
    this.write(TARGETS.insertJob, this.sql.insertJob, jobParams(job));
  }

  updateJob(id: string, patch: Partial<Omit<JobRecord, "id" | "runId" | "moduleId" | "signature">>): void {
    const update = this.jobPatches.bind(patch, [id]);
    if (update) this.write(TARGETS.updateJob, update.statement, update.params);
  }

  getJob(id: string): JobRecord | undefined {
    this.beforeRead();
    const row = this.sql.getJob.get(id) as JobRow | undefined;
    return row && jobFromRow(row);
  }

  jobsWithSignature(signature: string): JobRecord[] {
    this.beforeRead();
    return (this.sql.jobsOfSignature.all(signature) as JobRow[]).map(jobFromRow);
  }

  listJobs(filter: JobFilter = {}): JobRecord[] {
    this.beforeRead();
    const { runId, states } = filter;
    const rows =
      runId !== undefined && states !== undefined
        ? this.sql.jobsOfRunInStates.all(runId, toJson(states))
        : runId !== undefined
          ? this.sql.jobsOfRun.all(runId)
          : states !== undefined
            ? this.sql.jobsInStates.all(toJson(states))
            : this.sql.allJobs.all();
    return (rows as JobRow[]).map(jobFromRow);
  }

  deleteJob(id: string): void {
    this.write(TARGETS.deleteJob, this.sql.deleteJob, [id]);
  }

  getSetting(key: string): unknown {
    this.beforeRead();
    const value = this.sql.getSetting.get(key) as string | undefined;
    return value === undefined ? undefined : JSON.parse(value);
  }

  putSetting(key: string, value: unknown): void {
    this.write(TARGETS.putSetting, this.sql.putSetting, [key, toJson(value)]);
  }

  settingsWithPrefix(prefix: string): [key: string, value: unknown][] {
    this.beforeRead();
    return (this.sql.settingsWithPrefix.all({ prefix }) as { key: string; value: string }[]).map((row) => [
      row.key,
      JSON.parse(row.value),
    ]);
  }

  deleteSetting(key: string): void {
    this.write(TARGETS.deleteSetting, this.sql.deleteSetting, [key]);
  }

  /** Commits every write so far, now; throws (after a rollback) when one of them fails. */
  flush(): void {
    this.assertOpen();
    this.writes.commit();
  }

  /** Commits what is queued, then closes the database. Closing twice is harmless. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.writes.commit();
    } finally {
      this.writes.discard();
      this.db.close();
    }
  }

  /**
   * Closes the database the way a crash would: writes still queued for this turn are dropped, not
   * committed. For crash tests that run many "processes" in one (a property test of the lifecycle).
   */
  closeAsIfCrashed(): void {
    if (this.closed) return;
    this.closed = true;
    this.writes.discard();
    this.db.close();
  }

  private write(target: WriteTarget, statement: WriteStatement, params: WriteParams): void {
    this.assertOpen();
    this.writes.enqueue(target, statement, params);
  }

  /** Reads see every earlier write: the queue is committed first. */
  private beforeRead(): void {
    this.assertOpen();
    this.writes.commit();
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError("store_closed", `the store ${this.file} is closed`);
  }
}
