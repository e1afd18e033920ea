/**
 * How records map to table rows and back: the column order of inserts, the columns a patch may set,
 * and rows read back into records. An optional field that is NULL in the row is absent from the
 * record (never `null`); JSON columns are parsed back to exactly what was written.
 */
import type { JobRecord, ModuleFailure, ModuleRunRecord, RunLogEntry, RunRecord } from "../engine/records.js";
import type { RunSummary } from "../engine/store.js";
import type { PatchColumn } from "./patch-statements.js";

/** JSON text of a value; `undefined` (which JSON cannot hold) is kept as `null`. */
export function toJson(value: unknown): string {
  return JSON.stringify(value) ?? "null";
}

const asFlag = (value: unknown): number => (value ? 1 : 0);

// ---- runs ----

/** The columns of runs, in the order of `runParams` and of `RunRow`. */
export const RUN_COLUMNS =
  "id, workflow_name, document, status, options, created_at, updated_at, finished_at, message";

/** A row of runs as better-sqlite3 returns it. */
export interface RunRow {
  id: string;
  workflow_name: string;
  document: string;
  status: RunRecord["status"];
  options: string;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
  message: string | null;
}

/** The values of a new run, in the order of RUN_COLUMNS. */
export function runParams(run: RunRecord, documentJson?: string): unknown[] {
  return [
    run.id,
    run.document.name,
    documentJson ?? toJson(run.document),
    run.status,
    toJson(run.options),
    run.createdAt,
    run.updatedAt,
    run.finishedAt ?? null,
    run.message ?? null,
  ];
}

/** What `updateRun` may change. */
export const RUN_PATCH_COLUMNS: readonly PatchColumn[] = [
  { field: "status", column: "status", required: true },
  { field: "options", column: "options", required: true, encode: toJson },
  { field: "updatedAt", column: "updated_at", required: true },
  { field: "finishedAt", column: "finished_at" },
  { field: "message", column: "message" },
];

/** A run record from its row. */
export function runFromRow(row: RunRow): RunRecord {
  const run: RunRecord = {
    id: row.id,
    document: JSON.parse(row.document),
    status: row.status,
    options: JSON.parse(row.options),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (row.finished_at !== null) run.finishedAt = row.finished_at;
  if (row.message !== null) run.message = row.message;
  return run;
}

/** The columns `listRuns` reads: no document, which may be large. */
export const RUN_SUMMARY_COLUMNS = "id, workflow_name, status, created_at, updated_at, finished_at";

/** A row of `listRuns`. */
export type RunSummaryRow = Omit<RunRow, "document" | "options" | "message">;

/** A run summary from its row. */
export function runSummaryFromRow(row: RunSummaryRow): RunSummary {
  const summary: RunSummary = {
    id: row.id,
    workflowName: row.workflow_name,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (row.finished_at !== null) summary.finishedAt = row.finished_at;
  return summary;
}

// ---- run_modules ----

/** The columns of run_modules, in the order of `moduleParams`. */
export const MODULE_COLUMNS =
  "run_id, module_id, module_type, status, signature, error, started_at, finished_at";

/** The values of a new module row, in the order of MODULE_COLUMNS. Outputs go to the cache instead. */
export function moduleParams(runId: string, module: ModuleRunRecord): unknown[] {
  return [
    runId,
    module.moduleId,
    module.moduleType,
    module.status,
    module.signature,
    module.error === undefined ? null : toJson(module.error),
    module.startedAt ?? null,
    module.finishedAt ?? null,
  ];
}

/** What `updateModule` may change in the row (outputs go to the cache). */
export const MODULE_PATCH_COLUMNS: readonly PatchColumn[] = [
  { field: "moduleType", column: "module_type", required: true },
  { field: "status", column: "status", required: true },
  { field: "signature", column: "signature", required: true },
  { field: "error", column: "error", encode: toJson },
  { field: "startedAt", column: "started_at" },
  { field: "finishedAt", column: "finished_at" },
];

/** A run_modules row with the cached outputs joined on its signature (NULL when none apply). */
export interface ModuleRow {
  module_id: string;
  module_type: string;
  status: ModuleRunRecord["status"];
  signature: string;
  error: string | null;
  started_at: string | null;
  finished_at: string | null;
  outputs: string | null;
}

/** A module record from its row and joined outputs. */
export function moduleFromRow(runId: string, row: ModuleRow): ModuleRunRecord {
  const module: ModuleRunRecord = {
    runId,
    moduleId: row.module_id,
    moduleType: row.module_type,
    status: row.status,
    signature: row.signature,
  };
  if (row.outputs !== null) module.outputs = JSON.parse(row.outputs);
  if (row.error !== null) module.error = JSON.parse(row.error) as ModuleFailure;
  if (row.started_at !== null) module.startedAt = row.started_at;
  if (row.finished_at !== null) module.finishedAt = row.finished_at;
  return module;
}

// ---- run_log ----

/** A row of run_log. */
export interface LogRow {
  seq: number;
  run_id: string;
  module_id: string | null;
  at: string;
  level: RunLogEntry["level"];
  message: string;
}

/** The values of a new log entry: run_id, module_id, at, level, message. */
export function logParams(entry: Omit<RunLogEntry, "seq">): unknown[] {
  return [entry.runId, entry.moduleId ?? null, entry.at, entry.level, entry.message];
}

/** A log entry from its row. */
export function logEntryFromRow(row: LogRow): RunLogEntry {
  const entry: RunLogEntry = {
    seq: row.seq,
    runId: row.run_id,
    at: row.at,
    level: row.level,
    message: row.message,
  };
  if (row.module_id !== null) entry.moduleId = row.module_id;
  return entry;
}

// ---- jobs ----

/** The columns of jobs, in the order of `jobParams` and of `JobRow`. */
export const JOB_COLUMNS =
  "id, run_id, module_id, module_type, signature, kind, params, state, paused, interval_ms, submitted_at, " +
  "started_at, finished_at, last_checked_at, next_check_at, progress, message, failed_checks";

/** A row of jobs. */
export interface JobRow {
  id: string;
  run_id: string;
  module_id: string;
  module_type: string;
  signature: string;
  kind: string;
  params: string;
  state: JobRecord["state"];
  paused: number;
  interval_ms: number | null;
  submitted_at: string;
  started_at: string | null;
  finished_at: string | null;
  last_checked_at: string | null;
  next_check_at: string | null;
  progress: number | null;
  message: string | null;
  failed_checks: number;
}

/** The values of a new job, in the order of JOB_COLUMNS. */
export function jobParams(job: JobRecord): unknown[] {
  return [
    job.id,
    job.runId,
    job.moduleId,
    job.moduleType,
    job.signature,
    job.kind,
    toJson(job.params),
    job.state,
    asFlag(job.paused),
    job.intervalMs ?? null,
    job.submittedAt,
    job.startedAt ?? null,
    job.finishedAt ?? null,
    job.lastCheckedAt ?? null,
    job.nextCheckAt ?? null,
    job.progress ?? null,
    job.message ?? null,
    job.failedChecks,
  ];
}

/** What `updateJob` may change: everything but the keys (id, run, module, signature). */
export const JOB_PATCH_COLUMNS: readonly PatchColumn[] = [
  { field: "moduleType", column: "module_type", required: true },
  { field: "kind", column: "kind", required: true },
  { field: "params", column: "params", required: true, encode: toJson },
  { field: "state", column: "state", required: true },
  { field: "paused", column: "paused", required: true, encode: asFlag },
  // Not optional but nullable: null (use the default interval) is a value, undefined leaves it.
  { field: "intervalMs", column: "interval_ms", required: true },
  { field: "submittedAt", column: "submitted_at", required: true },
  { field: "startedAt", column: "started_at" },
  { field: "finishedAt", column: "finished_at" },
  { field: "lastCheckedAt", column: "last_checked_at" },
  { field: "nextCheckAt", column: "next_check_at" },
  { field: "progress", column: "progress" },
  { field: "message", column: "message" },
  { field: "failedChecks", column: "failed_checks", required: true },
];

/** A job record from its row. */
export function jobFromRow(row: JobRow): JobRecord {
  const job: JobRecord = {
    id: row.id,
    runId: row.run_id,
    moduleId: row.module_id,
    moduleType: row.module_type,
    signature: row.signature,
    kind: row.kind,
    params: JSON.parse(row.params),
    state: row.state,
    paused: row.paused !== 0,
    intervalMs: row.interval_ms,
    submittedAt: row.submitted_at,
    failedChecks: row.failed_checks,
  };
  if (row.started_at !== null) job.startedAt = row.started_at;
  if (row.finished_at !== null) job.finishedAt = row.finished_at;
  if (row.last_checked_at !== null) job.lastCheckedAt = row.last_checked_at;
  if (row.next_check_at !== null) job.nextCheckAt = row.next_check_at;
  if (row.progress !== null) job.progress = row.progress;
  if (row.message !== null) job.message = row.message;
  return job;
}
