/**
 * Where each role of a multi-role job (instruments.Payload) stands: `<jobDir>/<role>/progress.json`
 * holds the step it runs, whether that step's start was asked for (written BEFORE the driver is
 * asked, so a restarted server asks about the task instead of starting another), and how the
 * finished steps ended. Each step appends its readings to `<jobDir>/<role>/step-<n>/data.ndjson`;
 * the role's data set is its steps' files in order.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dataFileOf } from "../sdk/instrument-data.js";
import type { TaskState } from "../sdk/instruments.js";

export interface RoleProgress {
  /** Index of the step running or next to run; steps.length once all ended. */
  step: number;
  /** The current step's start was asked for. */
  asked: boolean;
  /** How each finished step ended, in order. */
  ended: TaskState[];
}

const progressFile = (jobDir: string, role: string) => join(jobDir, role, "progress.json");

/** The folder of a role's step (1-based on disk, as people count). */
export const stepDir = (jobDir: string, role: string, step: number) => join(jobDir, role, `step-${step + 1}`);

export const stepDataFile = (jobDir: string, role: string, step: number) =>
  dataFileOf(stepDir(jobDir, role, step));

export function readProgress(jobDir: string, role: string): RoleProgress {
  const file = progressFile(jobDir, role);
  if (!existsSync(file)) return { step: 0, asked: false, ended: [] };
  return JSON.parse(readFileSync(file, "utf8")) as RoleProgress;
}

/** Written whole through a rename: a crash leaves the old state or the new one. */
export function writeProgress(jobDir: string, role: string, progress: RoleProgress): void {
  const file = progressFile(jobDir, role);
  mkdirSync(join(jobDir, role), { recursive: true });
  writeFileSync(`${file}.tmp`, `${JSON.stringify(progress)}\n`);
  renameSync(`${file}.tmp`, file);
}

/** The folders of a role's steps that were started, in order: its data set. */
export function stepFolders(jobDir: string, role: string, steps: number): string[] {
  return Array.from({ length: steps }, (_, i) => stepDir(jobDir, role, i)).filter((dir) =>
    existsSync(dataFileOf(dir)),
  );
}
