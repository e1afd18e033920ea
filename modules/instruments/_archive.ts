/**
 * The results of an instrument job, written when it finished: `data.csv` (the module's `data`
 * output) and `results.zip` (fflate's streaming Zip): the data as CSV and as JSON with units, the
 * job log, and a copy of the run's workflow document. Everything is streamed from the data file a
 * chunk at a time: a week of readings (millions) is never held in memory, nor as one string.
 */
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { open } from "node:fs/promises";
import { dirname, join } from "node:path";
import { strToU8, Zip, ZipDeflate } from "fflate";
import {
  completeEnd,
  csvHeader,
  csvLines,
  dataFileOf,
  readUnits,
  scanQuantities,
  scanReadings,
} from "../sdk/instrument-data.js";
import { ARCHIVE_NAME, JOB_LOG_NAME } from "../sdk/instrument-job-files.js";

/** The run's copy of its document, written by the engine when the run started. */
export const RUN_DOCUMENT_NAME = "workflow.json";
/** The data as CSV with units, beside the data file: the module's `data` output. */
export const CSV_NAME = "data.csv";

const DEFLATE_LEVEL = 6;
const COPY_CHUNK_BYTES = 1024 * 1024;

/** A data set besides the job's own: `name/data.csv` and `name/data.json` in the archive, from the
 * data files of `folders` in order (e.g. one role's steps). */
export interface ExtraDataSet {
  name: string;
  folders: string[];
}

/**
 * Writes `<jobDir>/data.csv` and `<jobDir>/results.zip` (each atomically, through a rename) and
 * returns the archive's path. `info` (the task's request and params) heads `data.json`. Each of
 * `dataSets` (one per role of a multi-role job) is archived under its name, with its own CSV
 * (also written to `<jobDir>/<name>/data.csv`) and JSON.
 */
export async function writeResults(
  jobDir: string,
  info: Record<string, unknown> = {},
  dataSets: ExtraDataSet[] = [],
): Promise<string> {
  const archive = join(jobDir, ARCHIVE_NAME);
  // A temporary name of this writer's own: two endings told at once (a cancel and the check that
  // saw the task stop) must not write into one file; the last rename wins, each archive whole.
  const tmp = `.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  const out = openSync(`${archive}${tmp}`, "w");
  const written: string[] = [];
  try {
    const zip = new Zip((error, chunk) => {
      if (error) throw error;
      writeSync(out, chunk);
    });
    const entry = (name: string) => {
      const deflate = new ZipDeflate(name, { level: DEFLATE_LEVEL });
      deflate.mtime = new Date();
      zip.add(deflate);
      return deflate;
    };
    for (const set of [{ name: "", folders: [jobDir] }, ...dataSets]) {
      const csv = join(jobDir, set.name, CSV_NAME);
      await archiveDataSet(entry, set, set.name === "" ? info : { dataSet: set.name, ...info }, csv, tmp);
      written.push(csv);
    }
    for (const [name, path] of [
      [JOB_LOG_NAME, join(jobDir, JOB_LOG_NAME)],
      [RUN_DOCUMENT_NAME, join(jobDir, "..", "..", RUN_DOCUMENT_NAME)],
    ] as const) {
      if (existsSync(path)) entry(name).push(readFileSync(path), true);
    }
    zip.end();
  } finally {
    closeSync(out);
  }
  for (const csv of written) renameSync(`${csv}${tmp}`, csv);
  renameSync(`${archive}${tmp}`, archive);
  return archive;
}

type Entry = (name: string) => ZipDeflate;

/**
 * One data set: `data.json` (an object whose `readings` array is written piecewise, one reading per
 * line) and `data.csv`, on disk (`csv` + `tmp`, renamed by the caller) and in the archive,
 * streamed a chunk at a time.
 */
async function archiveDataSet(
  entry: Entry,
  set: ExtraDataSet,
  info: Record<string, unknown>,
  csv: string,
  tmp: string,
): Promise<void> {
  const prefix = set.name === "" ? "" : `${set.name}/`;
  const files = await Promise.all(
    set.folders.map(async (folder) => {
      const file = dataFileOf(folder);
      return { file, folder, end: await completeEnd(file) };
    }),
  );
  const units: Record<string, string> = {};
  const seen = new Set<string>();
  for (const { folder, file, end } of files) {
    Object.assign(units, readUnits(folder));
    for (const q of await scanQuantities(file, end)) seen.add(q);
  }
  const quantities = [...seen];
  mkdirSync(dirname(csv), { recursive: true });
  const csvOut = openSync(`${csv}${tmp}`, "w");
  let csvOpen = true;
  try {
    const json = entry(`${prefix}data.json`);
    const head = JSON.stringify({ ...info, units, quantities }).slice(0, -1);
    json.push(strToU8(`${head}${head.endsWith("{") ? "" : ","}"readings":[\n`));
    writeSync(csvOut, csvHeader(quantities, units));
    let first = true;
    for (const { file, end } of files) {
      await scanReadings(file, 0, end, async (readings) => {
        if (readings.length === 0) return;
        const lines = readings.map((r) => JSON.stringify(r)).join(",\n");
        json.push(strToU8(`${first ? "" : ",\n"}${lines}`));
        first = false;
        writeSync(csvOut, csvLines(readings, quantities));
        await nextTurn();
      });
    }
    json.push(strToU8("\n]}\n"), true);
    csvOpen = false;
    closeSync(csvOut);
    // data.csv into the archive, copied from the file just written.
    const csvEntry = entry(`${prefix}${CSV_NAME}`);
    await copyInto(`${csv}${tmp}`, (bytes, last) => csvEntry.push(bytes, last));
  } finally {
    if (csvOpen) closeSync(csvOut);
  }
}

/** Feeds a file to `push` a megabyte at a time, yielding between pieces. */
async function copyInto(path: string, push: (bytes: Uint8Array, last: boolean) => void): Promise<void> {
  const handle = await open(path, "r");
  try {
    const size = (await handle.stat()).size;
    if (size === 0) return push(new Uint8Array(0), true);
    for (let position = 0; position < size; ) {
      const buffer = Buffer.alloc(Math.min(COPY_CHUNK_BYTES, size - position));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) throw new Error(`${path} shrank while it was archived`);
      position += bytesRead;
      push(buffer.subarray(0, bytesRead), position >= size);
    }
  } finally {
    await handle.close();
  }
}

/** Lets the server answer requests between chunks of a long archive. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
