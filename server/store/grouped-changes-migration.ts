import type { Migration } from "./migration.js";

/**
 * Schema step 6: a row of `module_changes` may name several modules in one entry,
 * `[[module_id, ...], {field: value | null}]`, for consecutive changes with the same fields (a run
 * resolving modules by the hundred in one millisecond writes each `{status, finishedAt}` once, not
 * per module). Entries `[module_id, fields]` of schema 5 are read as before.
 *
 * No table changes: the step exists so that a labflow of schema 5, which would misread such rows,
 * refuses the data folder (`store_schema_too_new`) instead.
 */
export const GROUPED_CHANGES_MIGRATION: Migration = {
  version: 6,
  description: "a module_changes entry may name several modules that took the same fields",
  up() {},
};
