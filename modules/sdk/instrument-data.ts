/**
 * An instrument job's data: `<jobDir>/data.ndjson`, one JSON reading per line
 * (`{"t":"<ISO UTC>","temperature":21.3,...}`), appended by the driver host as readings arrive, and
 * the units of its quantities. Read here for the module's output, the archive, the API, the CLI's
 * snapshot and the live events; never rewritten. A week-long acquisition holds millions of
 * readings: whole-file work streams through the file in chunks (`scanReadings`) and never holds
 * all the readings, or a string of them, at once.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import type { TableValue } from "./port-types.js";

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
 * A job's dataset from `offset` on, with units: about `maxBytes` of the file (then `nextOffset`
 * says where to go on). Bounded on purpose: whole files are streamed with `scanReadings`.
 */
export function readDataset(jobDir: string, offset: number, maxBytes: number): Dataset {
  const chunk = readReadings(dataFileOf(jobDir), offset, maxBytes);
  return {
    units: readUnits(jobDir),
    quantities: quantitiesOf(chunk.readings),
    readings: chunk.readings,
    nextOffset: chunk.nextOffset,
  };
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
  return `${csvHeader(dataset.quantities, dataset.units)}${csvLines(dataset.readings, dataset.quantities)}`;
}

/** The CSV header line: `t` and each quantity with its unit, e.g. `t,temperature (°C)\n`. */
export function csvHeader(quantities: readonly string[], units: Record<string, string>): string {
  return `${["t", ...quantities.map((q) => (units[q] ? `${q} (${units[q]})` : q))].map(csvField).join(",")}\n`;
}

/** CSV lines of readings (each ending with a newline), columns in the order of `quantities`. */
export function csvLines(readings: readonly Reading[], quantities: readonly string[]): string {
  let text = "";
  for (const reading of readings)
    text += `${[reading.t, ...quantities.map((q) => reading[q])].map(csvField).join(",")}\n`;
  return text;
}

export function csvField(value: unknown): string {
  if (value === undefined || value === null) return "";
  const text =
    typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Bytes read at once when streaming through a data file. */
const SCAN_CHUNK_BYTES = 1024 * 1024;

/** The byte offset just past the last complete line of a data file (0 when there is none). */
export async function completeEnd(file: string): Promise<number> {
  if (!existsSync(file)) return 0;
  const handle = await open(file, "r");
  try {
    const size = (await handle.stat()).size;
    const buffer = Buffer.alloc(64 * 1024);
    for (let end = size; end > 0; ) {
      const start = Math.max(0, end - buffer.length);
      const { bytesRead } = await handle.read(buffer, 0, end - start, start);
      const newline = buffer.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (newline >= 0) return start + newline + 1;
      end = start;
    }
    return 0;
  } finally {
    await handle.close();
  }
}

/**
 * Streams the complete lines of bytes [`offset`, `end`) of a data file, a chunk at a time: `onLines`
 * gets the lines of each chunk (without their newlines) and the offset just past them. It may be
 * async (to write them out); the next chunk is read once it is done.
 */
export async function scanLines(
  file: string,
  offset: number,
  end: number,
  onLines: (lines: string[], nextOffset: number) => void | Promise<void>,
): Promise<void> {
  if (offset >= end || !existsSync(file)) return;
  const handle = await open(file, "r");
  try {
    let position = offset;
    let size = SCAN_CHUNK_BYTES;
    while (position < end) {
      const buffer = Buffer.alloc(Math.min(size, end - position));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) return;
      const newline = buffer.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (newline < 0) {
        // One line longer than the chunk: read a larger piece (never past `end`).
        if (position + bytesRead >= end) return;
        size *= 2;
        continue;
      }
      await onLines(buffer.subarray(0, newline).toString("utf8").split("\n"), position + newline + 1);
      position += newline + 1;
    }
  } finally {
    await handle.close();
  }
}

/** The reading a line holds, or undefined for a blank or malformed line. */
export function parseReading(line: string): Reading | undefined {
  if (line.trim() === "") return undefined;
  try {
    const value = JSON.parse(line) as unknown;
    return value && typeof value === "object" && typeof (value as Reading).t === "string"
      ? (value as Reading)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Streams the readings of bytes [`offset`, `end`), a chunk at a time (see scanLines). */
export function scanReadings(
  file: string,
  offset: number,
  end: number,
  onReadings: (readings: Reading[], nextOffset: number) => void | Promise<void>,
): Promise<void> {
  return scanLines(file, offset, end, (lines, nextOffset) => {
    const readings: Reading[] = [];
    for (const line of lines) {
      const reading = parseReading(line);
      if (reading) readings.push(reading);
    }
    return onReadings(readings, nextOffset);
  });
}

/** The quantities of bytes [`offset`, `end`) of a data file in first-seen order (streamed). */
export async function scanQuantities(file: string, end: number, offset = 0): Promise<string[]> {
  const seen = new Set<string>();
  await scanReadings(file, offset, end, (readings) => {
    for (const reading of readings) for (const key of Object.keys(reading)) if (key !== "t") seen.add(key);
  });
  return [...seen];
}

export interface DecimatedReadings {
  readings: Reading[];
  /** Lines between `offset` and `nextOffset` (readings and the odd malformed line). */
  lines: number;
  /** True when readings were left out to keep at most `maxPoints`. */
  decimated: boolean;
  nextOffset: number;
}

/**
 * At most `maxPoints` readings from `offset` to the end of the file, evenly spread (the first and
 * the last included): one pass counts the lines, a second parses only those picked. Memory is one
 * chunk plus the picked readings, whatever the length of the file.
 */
export async function decimatedReadings(
  file: string,
  offset: number,
  maxPoints: number,
): Promise<DecimatedReadings> {
  const end = await completeEnd(file);
  if (offset >= end) return { readings: [], lines: 0, decimated: false, nextOffset: Math.max(offset, end) };
  const lines = await countLines(file, offset, end);
  const decimated = lines > maxPoints;
  const picks = decimated ? maxPoints : lines;
  // The k-th pick is line round(k * (lines - 1) / (picks - 1)): even steps, first and last kept.
  const pickAt = (k: number) => (picks <= 1 ? 0 : Math.round((k * (lines - 1)) / (picks - 1)));
  const readings: Reading[] = [];
  let index = 0;
  let k = 0;
  let next = pickAt(0);
  await scanLines(file, offset, end, (chunk) => {
    for (const line of chunk) {
      if (index === next) {
        const reading = parseReading(line);
        if (reading) readings.push(reading);
        k++;
        next = k < picks ? pickAt(k) : -1;
      }
      index++;
    }
  });
  return { readings, lines, decimated, nextOffset: end };
}

/** Newlines in bytes [`offset`, `end`) of a file, without parsing (a chunk in memory at a time). */
async function countLines(file: string, offset: number, end: number): Promise<number> {
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.alloc(Math.min(SCAN_CHUNK_BYTES, Math.max(1, end - offset)));
    let count = 0;
    for (let position = offset; position < end; ) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, end - position), position);
      if (bytesRead === 0) break;
      count += newlinesIn(buffer, bytesRead);
      position += bytesRead;
    }
    return count;
  } finally {
    await handle.close();
  }
}

function newlinesIn(buffer: Buffer, length: number): number {
  let count = 0;
  for (let i = buffer.indexOf(0x0a); i >= 0 && i < length; i = buffer.indexOf(0x0a, i + 1)) count++;
  return count;
}

/** What was counted of each file so far: a check reads only what was appended since the last. */
const counted = new Map<string, { offset: number; count: number }>();
const MAX_COUNTED_FILES = 1_000;

/**
 * The number of complete readings in a data file, without parsing them. Asked at every check of a
 * running job: it reads only the bytes appended since it was last asked (1 MB at a time), so a
 * file of millions of readings is read whole once, never held whole.
 */
export function countReadings(file: string): number {
  if (!existsSync(file)) return 0;
  const size = statSync(file).size;
  let known = counted.get(file);
  if (!known || known.offset > size) known = { offset: 0, count: 0 };
  if (known.offset < size) {
    const fd = openSync(file, "r");
    try {
      const buffer = Buffer.alloc(Math.min(1024 * 1024, size - known.offset));
      while (known.offset < size) {
        const bytesRead: number = readSync(
          fd,
          buffer,
          0,
          Math.min(buffer.length, size - known.offset),
          known.offset,
        );
        if (bytesRead === 0) break;
        // Counted up to the last newline only: a torn last line is counted once it is complete.
        const last: number = buffer.subarray(0, bytesRead).lastIndexOf(0x0a);
        if (last < 0) break;
        known = { offset: known.offset + last + 1, count: known.count + newlinesIn(buffer, last + 1) };
      }
    } finally {
      closeSync(fd);
    }
  }
  counted.delete(file);
  counted.set(file, known);
  if (counted.size > MAX_COUNTED_FILES) counted.delete(counted.keys().next().value as string);
  return known.count;
}
