/**
 * The short text shown on an output port after a run: a number, string or boolean itself (cut to
 * a few characters), anything else as a summary of its kind ("table 10×3", "file data.csv",
 * "list of 4", "object {a, b}"). The full value stays in the inspector's results.
 */
import type { PortType } from "../../../server/schema/port-types.js";

/** Longest preview, in characters (the port row is narrow). */
export const PREVIEW_MAX = 14;

const cut = (text: string, max = PREVIEW_MAX): string =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;

const isTable = (v: unknown): v is { columns: unknown[]; rows: unknown[] } =>
  typeof v === "object" &&
  v !== null &&
  Array.isArray((v as { columns?: unknown }).columns) &&
  Array.isArray((v as { rows?: unknown }).rows);

const baseName = (path: string): string => path.split(/[\\/]/).filter(Boolean).pop() ?? path;

function numberText(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e12) return String(n);
  const short = Number(n.toPrecision(6));
  const text = String(short);
  return text.length <= PREVIEW_MAX ? text : n.toExponential(3);
}

/** The preview of `value` on a port of type `type` (undefined type: judged from the value). */
export function valuePreview(value: unknown, type?: PortType): string {
  if (value === undefined) return "";
  if (value === null) return "null";
  if (type === "file" && typeof value === "string") return cut(`file ${baseName(value)}`);
  if (isTable(value)) return `table ${value.rows.length}×${value.columns.length}`;
  if (typeof value === "number") return cut(numberText(value));
  if (typeof value === "boolean") return String(value);
  if (typeof value === "string") return cut(JSON.stringify(value));
  if (Array.isArray(value)) return `list of ${value.length}`;
  if (typeof value === "object") {
    const keys = Object.keys(value);
    return keys.length === 0 ? "object {}" : cut(`object {${keys.join(", ")}}`);
  }
  return cut(String(value));
}
