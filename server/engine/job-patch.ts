import type { JobRecord } from "./records.js";

/** Fields a job keeps for life: never part of an update. */
const IDENTITY: ReadonlySet<string> = new Set(["id", "runId", "moduleId", "signature"]);

/**
 * The fields of `after` that differ from `before` (a field `after` dropped is written as undefined),
 * so that a transition writes only what it changed.
 */
export function changedFields(before: JobRecord, after: JobRecord): Partial<JobRecord> {
  const patch: Record<string, unknown> = {};
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    if (IDENTITY.has(key)) continue;
    const a = (before as unknown as Record<string, unknown>)[key];
    const b = (after as unknown as Record<string, unknown>)[key];
    if (a !== b) patch[key] = b;
  }
  return patch as Partial<JobRecord>;
}
