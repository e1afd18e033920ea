import { ERRORS } from "../schema/errors.js";

export const TABLE_START =
  "<!-- errors-table:start (npm run errors-table writes it from server/schema/errors.ts) -->";
export const TABLE_END = "<!-- errors-table:end -->";

/** The error codes of the registry as a Markdown table, by HTTP status then code. */
export function errorsTable(): string {
  const rows = Object.entries(ERRORS)
    .sort(([a, x], [b, y]) => x.status - y.status || a.localeCompare(b))
    .map(([code, spec]) => `| ${spec.status} | \`${code}\` | ${spec.kind} | ${spec.when} |`);
  return ["| Status | `error.code` | kind | When |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

/** `text` with the part between the markers replaced by the current table. */
export function withErrorsTable(text: string): string {
  const start = text.indexOf(TABLE_START);
  const end = text.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`the markers ${TABLE_START} ... ${TABLE_END} are missing`);
  return `${text.slice(0, start + TABLE_START.length)}\n${errorsTable()}\n${text.slice(end)}`;
}
