/**
 * An instrument job's data: `<jobDir>/data.ndjson`, one JSON reading per line
 * (`{"t":"<ISO UTC>","temperature":21.3,...}`), appended by the driver host as readings arrive, and
 * the units of its quantities. Read here for the module's output, the archive, the API, the CLI's
 * snapshot and the live events; never rewritten.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import type { TableValue } from "../sdk/port-types.js";

export const DATA_FILE_NAME = "data.ndjson";
/** The driver host's meta file beside the data: `columns: [{ name, unit }]`, device, times, state. */
export const META_FILE_NAME = "data.meta.json";

export interface Reading {
  /** ISO UTC. */
  t: string;
  [quantity: string]: unknown;
}

export interface DataChunk {
  readings: Reading[];
  /** Byte offset of the first reading not read (the next `offset` to ask for). */
  nextOffset: number;
  /** Lines that are not readings (a torn last line is not counted: it is read when complete). */
  skipped: number;
}

export interface Dataset {
  units: Record<string, string>;
  /** Quantities in first-seen order, after `t`. */
  quantities: string[];
  readings: Reading[];
  nextOffset: number;
}

export const dataFileOf = (jobDir: string) => join(jobDir, DATA_FILE_NAME);

/** The units of a job's quantities, from the meta file ({} when there is none yet). */
export function readUnits(jobDir: string): Record<string, string> {
  const file = join(jobDir, META_FILE_NAME);
  if (!existsSync(file)) return {};
  try {
    const meta = JSON.parse(readFileSync(file, "utf8")) as { columns?: { name?: unknown; unit?: unknown }[] };
    const units: Record<string, string> = {};
    for (const column of meta.columns ?? []) {
      if (typeof column.name === "string" && typeof column.unit === "string" && column.name !== "t")
        units[column.name] = column.unit;
    }
    return units;
  } catch {
    return {};
  }
}

/**
 * Complete readings from byte `offset` on. A last line without its newline is being written: it is
 * left for the next read, so that a reader never sees half a reading.
 */
export function readReadings(file: string, offset = 0, maxBytes = 64 * 1024 * 1024): DataChunk {
  if (!existsSync(file)) return { readings: [], nextOffset: offset, skipped: 0 };
  const size = statSync(file).size;
  if (offset >= size) return { readings: [], nextOffset: offset, skipped: 0 };
  const length = Math.min(size - offset, maxBytes);
  const buffer = Buffer.alloc(length);
  const fd = openSync(file, "r");
  try {
    readSync(fd, buffer, 0, length, offset);
  } finally {
    closeSync(fd);
  }
  const end = buffer.lastIndexOf(0x0a);
  if (end < 0) return { readings: [], nextOffset: offset, skipped: 0 };
  const readings: Reading[] = [];
  let skipped = 0;
  for (const line of buffer.subarray(0, end).toString("utf8").split("\n")) {
    if (line.trim() === "") continue;
    try {
      const value = JSON.parse(line) as unknown;
      if (value && typeof value === "object" && typeof (value as Reading).t === "string")
        readings.push(value as Reading);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  return { readings, nextOffset: offset + end + 1, skipped };
}

/**
 * A job's dataset from `offset` on, with units: all of it, or about `maxBytes` of the file (then
 * `nextOffset` says where to go on).
 */
export function readDataset(jobDir: string, offset = 0, maxBytes = Number.POSITIVE_INFINITY): Dataset {
  const file = dataFileOf(jobDir);
  const readings: Reading[] = [];
  let next = offset;
  for (;;) {
    const chunk = readReadings(file, next, Math.min(maxBytes - (next - offset), 16 * 1024 * 1024));
    for (const reading of chunk.readings) readings.push(reading);
    const moved = chunk.nextOffset > next;
    next = chunk.nextOffset;
    if (!moved || next - offset >= maxBytes) break;
  }
  return { units: readUnits(jobDir), quantities: quantitiesOf(readings), readings, nextOffset: next };
}

export function quantitiesOf(readings: readonly Reading[]): string[] {
  const seen = new Set<string>();
  for (const reading of readings) for (const key of Object.keys(reading)) if (key !== "t") seen.add(key);
  return [...seen];
}

/** The dataset as a `table` port value: a `t` column (ISO UTC) and one column per quantity, with units. */
export function toTable(dataset: Dataset): TableValue {
  return {
    columns: [
      { name: "t", unit: "ISO 8601 UTC" },
      ...dataset.quantities.map((name) => ({
        name,
        ...(dataset.units[name] !== undefined ? { unit: dataset.units[name] } : {}),
      })),
    ],
    rows: dataset.readings.map((r) => [r.t, ...dataset.quantities.map((q) => r[q] ?? null)]),
  };
}

/** CSV with a header naming each column and its unit, e.g. `t,temperature (°C)`. */
export function toCsv(dataset: Dataset): string {
  const header = [
    "t",
    ...dataset.quantities.map((q) => (dataset.units[q] ? `${q} (${dataset.units[q]})` : q)),
  ];
  const lines = [header.map(csvField).join(",")];
  for (const reading of dataset.readings) {
    lines.push([reading.t, ...dataset.quantities.map((q) => reading[q])].map(csvField).join(","));
  }
  return `${lines.join("\n")}\n`;
}

function csvField(value: unknown): string {
  if (value === undefined || value === null) return "";
  const text =
    typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The number of complete readings in a data file, without parsing them. */
export function countReadings(file: string): number {
  if (!existsSync(file)) return 0;
  const buffer = readFileSync(file);
  let count = 0;
  for (let i = buffer.indexOf(0x0a); i >= 0; i = buffer.indexOf(0x0a, i + 1)) count++;
  return count;
}
