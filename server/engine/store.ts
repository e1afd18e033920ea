/**
 * The Store: everything the engine persists, behind an interface so the engine imports no database
 * driver (server/store implements it with SQLite).
 *
 * Methods are synchronous. Writes may be buffered and committed together, in order, at the end of the
 * current turn of the event loop (group commit); reads see every earlier write. `flush()` makes every
 * write so far durable before it returns: the engine calls it before it starts external work (a job's
 * two-phase start), so that a crash can never forget work that was started.
 *
 * A write is all-or-nothing: a crash at any moment leaves the store as it was after some flush.
 */
import type { JobRecord, JobState, ModuleRunRecord, RunLogEntry, RunRecord } from "./records.js";

export interface RunSummary {
  id: string;
  workflowName: string;
  status: RunRecord["status"];
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
}

export interface JobFilter {
  runId?: string;
  states?: JobState[];
}

export interface Store {
  /**
   * Records a new run with the initial state of each of its modules, atomically. `documentJson`, when
   * the caller has it, is `JSON.stringify(run.document)`: the engine keeps it per document version,
   * so a re-run does not serialise the same document again.
   */
  createRun(run: RunRecord, modules: ModuleRunRecord[], documentJson?: string): void;
  updateRun(id: string, patch: Partial<Omit<RunRecord, "id" | "document" | "createdAt">>): void;
  getRun(id: string): RunRecord | undefined;
  /** Newest first. */
  listRuns(options?: { limit?: number; offset?: number }): RunSummary[];
  /** Runs whose status is `running` or `suspended`. */
  unfinishedRuns(): RunRecord[];
  deleteRun(id: string): void;

  updateModule(
    runId: string,
    moduleId: string,
    patch: Partial<Omit<ModuleRunRecord, "runId" | "moduleId">>,
  ): void;
  modules(runId: string): ModuleRunRecord[];

  /** Which of those signatures have cached outputs, without reading the outputs. */
  cachedSignatures(signatures: readonly string[]): Set<string>;
  /** The cached outputs of those signatures that have them. */
  cachedOutputs(signatures: readonly string[]): Map<string, Record<string, unknown>>;
  cacheOutputs(signature: string, moduleType: string, outputs: Record<string, unknown>): void;

  appendLog(entry: Omit<RunLogEntry, "seq">): void;
  /** Entries of a run after `afterSeq` (exclusive), oldest first. */
  runLog(runId: string, afterSeq?: number): RunLogEntry[];

  createJob(job: JobRecord): void;
  updateJob(id: string, patch: Partial<Omit<JobRecord, "id" | "runId" | "moduleId" | "signature">>): void;
  getJob(id: string): JobRecord | undefined;
  /** Every job of that work (module signature), oldest first: earlier attempts failed or were cancelled. */
  jobsWithSignature(signature: string): JobRecord[];
  listJobs(filter?: JobFilter): JobRecord[];
  deleteJob(id: string): void;

  /** A setting people changed (JSON), or undefined when never set. */
  getSetting(key: string): unknown;
  putSetting(key: string, value: unknown): void;
  /** Every setting whose key starts with `prefix`, as [key, value]. */
  settingsWithPrefix(prefix: string): [key: string, value: unknown][];
  deleteSetting(key: string): void;

  /** Makes every write so far durable. */
  flush(): void;
  close(): void;
}
