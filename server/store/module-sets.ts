/**
 * A run's modules as one shared module set plus a log of changes (see module-sets-migration.ts):
 * the set of a new run, a module patch as a logged change, and the records rebuilt from both.
 */
import { createHash } from "node:crypto";
import type { ModuleRunRecord, RunRecord } from "../engine/records.js";
import { MODULE_PATCH_COLUMNS } from "./record-rows.js";

/** One module's change: the fields set, `null` for a field cleared. */
export type ModuleChange = [moduleId: string, fields: Record<string, unknown>];

/**
 * The text of a row of changes (schema 6): a run of consecutive changes with the same fields is ONE
 * entry naming its modules, `[[id1, id2, ...], fields]`; a lone change stays `[id, fields]`. A
 * 10,000-module run resolves modules by the hundred within one millisecond, each `{status: "done",
 * finishedAt}`: its row shrinks tenfold. Only consecutive changes are joined, so order is kept.
 */
export function changesText(changes: readonly ModuleChange[]): string {
  const fields = changes.map((change) => JSON.stringify(change[1]));
  let text = "";
  for (let i = 0; i < changes.length; ) {
    const same = fields[i] as string;
    let end = i + 1;
    while (end < changes.length && fields[end] === same) end++;
    const target =
      end - i === 1
        ? JSON.stringify((changes[i] as ModuleChange)[0])
        : JSON.stringify(changes.slice(i, end).map((change) => change[0]));
    text += `${text ? "," : ""}[${target},${same}]`;
    i = end;
  }
  return `[${text}]`;
}

/** The state of every module that no change names. */
export type ModulesAtStart = "pending" | "cached";

export interface ModuleSet {
  id: string;
  /** JSON [[module_id, module_type, signature], ...]. */
  text: string;
  atStart: ModulesAtStart;
  /** The modules that start otherwise (served from the cache in a run that computes others). */
  initial: ModuleChange[];
}

/** The set of a new run's modules; undefined for a run without modules (nothing to refer to). */
export function moduleSetOf(run: RunRecord, modules: readonly ModuleRunRecord[]): ModuleSet | undefined {
  if (modules.length === 0) return undefined;
  const entries: [string, string, string][] = new Array(modules.length);
  let allCached = true;
  for (let i = 0; i < modules.length; i++) {
    const m = modules[i] as ModuleRunRecord;
    entries[i] = [m.moduleId, m.moduleType, m.signature];
    if (allCached && !startsAs(m, "cached", run.createdAt)) allCached = false;
  }
  const atStart: ModulesAtStart = allCached ? "cached" : "pending";
  const initial: ModuleChange[] = [];
  if (!allCached)
    for (const m of modules) if (!startsAs(m, "pending", undefined)) initial.push([m.moduleId, stateOf(m)]);
  const text = JSON.stringify(entries);
  return { id: createHash("sha256").update(text).digest("hex"), text, atStart, initial };
}

/** Exactly what `atStart` gives back: that status, no error, no start, finished when the run was created. */
function startsAs(m: ModuleRunRecord, status: ModulesAtStart, finishedAt: string | undefined): boolean {
  return (
    m.status === status && m.finishedAt === finishedAt && m.error === undefined && m.startedAt === undefined
  );
}

function stateOf(m: ModuleRunRecord): Record<string, unknown> {
  return {
    status: m.status,
    ...(m.error !== undefined ? { error: m.error } : {}),
    ...(m.startedAt !== undefined ? { startedAt: m.startedAt } : {}),
    ...(m.finishedAt !== undefined ? { finishedAt: m.finishedAt } : {}),
  };
}

/**
 * A patch as a change, with the semantics of `updateModule` on a row: a required field given as
 * undefined is left as it is, an optional one is cleared (`null`); outputs go to the cache instead.
 * Undefined when it changes nothing.
 */
export function changeOf(patch: object): Record<string, unknown> | undefined {
  const fields = patch as Record<string, unknown>;
  let change: Record<string, unknown> | undefined;
  for (const column of MODULE_PATCH_COLUMNS) {
    if (!(column.field in fields)) continue;
    const value = fields[column.field];
    if (value === undefined && column.required) continue;
    change ??= {};
    change[column.field] = value === undefined ? null : value;
  }
  return change;
}

/** A run's module records (without outputs), in the set's order, after every change. */
export function replayModules(
  runId: string,
  setText: string,
  atStart: ModulesAtStart,
  createdAt: string,
  changeRows: readonly string[],
): ModuleRunRecord[] {
  const entries = JSON.parse(setText) as [string, string, string][];
  const records: ModuleRunRecord[] = entries.map(([moduleId, moduleType, signature]) => ({
    runId,
    moduleId,
    moduleType,
    status: atStart,
    signature,
    ...(atStart === "cached" ? { finishedAt: createdAt } : {}),
  }));
  if (changeRows.length === 0) return records;
  const byId = new Map(
    records.map((record) => [record.moduleId, record as unknown as Record<string, unknown>]),
  );
  for (const row of changeRows) {
    for (const [target, fields] of JSON.parse(row) as [string | string[], Record<string, unknown>][]) {
      if (typeof target === "string") apply(byId.get(target), fields);
      else for (const moduleId of target) apply(byId.get(moduleId), fields);
    }
  }
  return records;
}

/** A change to a module record; a module the set does not have is skipped, like an UPDATE of no row. */
function apply(record: Record<string, unknown> | undefined, fields: Record<string, unknown>): void {
  if (!record) return;
  for (const field of Object.keys(fields)) {
    const value = fields[field];
    if (value === null) delete record[field];
    else record[field] = value;
  }
}
