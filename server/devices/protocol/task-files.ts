/**
 * A task's files: the NDJSON data file, one reading per line, appended as readings arrive and never
 * rewritten (a kill loses at most the reading being written), and a small meta file beside it
 * (`<name>.meta.json`: columns with units, device, technique, times, final state).
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Reading } from "../host/driver-implementation.js";

export interface TaskMeta {
  taskId: string;
  driver: string;
  device: string;
  channel: string;
  address: string;
  technique: string;
  params: Record<string, unknown>;
  durationMs: number;
  samplingMs: number;
  /** `t` first (ISO 8601 UTC), then each quantity with its unit. */
  columns: { name: string; unit?: string }[];
  startedAt: string;
  endedAt?: string;
  state: "running" | "completed" | "failed" | "stopped";
  readings?: number;
  message?: string;
}

/** `run/data.ndjson` -> `run/data.meta.json`; any other name gets `.meta.json` appended. */
export function taskMetaPath(dataFile: string): string {
  const name = basename(dataFile);
  const stem = name.endsWith(".ndjson") ? name.slice(0, -".ndjson".length) : name;
  return join(dirname(dataFile), `${stem}.meta.json`);
}

/** Small and written whole, through a rename so a reader never sees half of it. */
export function writeTaskMeta(dataFile: string, meta: TaskMeta): void {
  const path = taskMetaPath(dataFile);
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(meta, null, 2)}\n`);
  renameSync(temp, path);
}

/**
 * The meta file of a data file, when there is a readable one. Its `state` is the task's final
 * state once `endedAt` is set: what a reader that comes after the driver host forgot the task
 * (or after the host died) can still tell.
 */
export function readTaskMeta(dataFile: string): TaskMeta | undefined {
  try {
    const meta = JSON.parse(readFileSync(taskMetaPath(dataFile), "utf8")) as TaskMeta;
    return typeof meta === "object" && meta !== null && typeof meta.state === "string" ? meta : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Appends readings to a data file, one JSON line each, straight to the OS (no buffering in the
 * process). A write that fails (disk full) throws; `count` then holds the readings written whole.
 */
export class DataFileAppender {
  private fd: number | undefined;
  count = 0;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, "a");
  }

  append(readings: Reading[]): void {
    if (this.fd === undefined || readings.length === 0) return;
    let text = "";
    for (const reading of readings) text += `${JSON.stringify(reading)}\n`;
    const bytes = Buffer.from(text);
    // A short write (the disk filling up) is continued; the next one then throws ENOSPC.
    for (let done = 0; done < bytes.length; ) done += writeSync(this.fd, bytes, done);
    this.count += readings.length;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
