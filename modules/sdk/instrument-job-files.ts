/**
 * The files an instrument job keeps in its folder besides the data (see instrument-data.ts):
 *   instrument.json  which pipeline and device channel it got, and when its task started
 *   job.log          what happened, one line each (shown by `labflow logs JOB`, put in the archive)
 *   results.zip      the results archive, written when the job finished
 * Everything a later server process needs to carry on is here or in the claim the server keeps.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const JOB_LOG_NAME = "job.log";
export const ARCHIVE_NAME = "results.zip";

export interface InstrumentRecord {
  pipeline: string;
  device: string;
  channel: string;
  sample?: string;
  claimedAt: string;
  /** When the task was first asked to start (ms epoch): progress is elapsed / duration from here. */
  startedAtMs?: number;
  /** Every role's device channel (a multi-role job). */
  roles?: Record<string, { device: string; channel: string }>;
}

const recordFile = (jobDir: string) => join(jobDir, "instrument.json");

export function readInstrumentRecord(jobDir: string): InstrumentRecord | undefined {
  const file = recordFile(jobDir);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as InstrumentRecord;
  } catch {
    return undefined;
  }
}

/** Written whole through a rename: a crash leaves the old record or the new one, never half of one. */
export function writeInstrumentRecord(jobDir: string, record: InstrumentRecord): void {
  const file = recordFile(jobDir);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(record)}\n`);
  renameSync(`${file}.tmp`, file);
}

export function appendJobLog(jobDir: string, message: string): void {
  appendFileSync(join(jobDir, JOB_LOG_NAME), `${new Date().toISOString()} ${message}\n`);
}

/** Settings forced on the job's device channels while it ran, one JSON line each. */
export const FORCED_SETTINGS_NAME = "forced-settings.ndjson";

export interface ForcedSettingRecord {
  at: string;
  device: string;
  channel: string;
  attribute: string;
  value: number | string | boolean;
  by: string;
}

/** Records a setting forced on a channel the job used: in its log and beside its data. */
export function recordForcedSetting(jobDir: string, setting: ForcedSettingRecord): void {
  if (!existsSync(jobDir)) mkdirSync(jobDir, { recursive: true });
  appendJobLog(
    jobDir,
    `forced setting by ${setting.by}: ${setting.attribute} = ${setting.value} on ${setting.device}/${setting.channel} while this job used it`,
  );
  appendFileSync(join(jobDir, FORCED_SETTINGS_NAME), `${JSON.stringify(setting)}\n`);
}

export function readForcedSettings(jobDir: string): ForcedSettingRecord[] {
  const file = join(jobDir, FORCED_SETTINGS_NAME);
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as ForcedSettingRecord];
      } catch {
        return [];
      }
    });
}
