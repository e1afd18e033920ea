/**
 * Every ending of an instrument job (completed, failed, cancelled) leaves the same results: the
 * archive (results.zip) and data.csv with whatever was acquired, and in data.json the reason for
 * the ending, when the job was submitted, started and finished, the pipeline, the sample and the
 * device channels it used (tomato writes its results on cancel too).
 */

import { countReadings, dataFileOf } from "../sdk/instrument-data.js";
import { appendJobLog, readForcedSettings, readInstrumentRecord } from "../sdk/instrument-job-files.js";
import { type ExtraDataSet, writeResults } from "./_archive.js";

export type Outcome = "completed" | "failed" | "cancelled";

/** A device channel a job used, by role. */
export interface UsedDevice {
  role: string;
  device: string;
  channel: string;
}

export interface EndingFacts {
  jobId: string;
  jobDir: string;
  /** What the job persisted (request, params...): heads data.json. */
  job: Record<string, unknown> & { submittedAt?: string };
  outcome: Outcome;
  reason: string;
  /** The device channels by role (default: the one in instrument.json, under the request's role). */
  devices?: UsedDevice[];
  /** More data sets than data.ndjson (one per role), archived beside it. */
  dataSets?: ExtraDataSet[];
}

/** Writes the results of the ending; a failure to write is logged and never hides the ending itself. */
export async function writeEndingResults(facts: EndingFacts): Promise<void> {
  const { jobDir, job } = facts;
  const record = readInstrumentRecord(jobDir);
  const role = (job.request as { role?: string } | undefined)?.role;
  const devices =
    facts.devices ?? (record && role ? [{ role, device: record.device, channel: record.channel }] : []);
  const forced = readForcedSettings(jobDir);
  try {
    await writeResults(
      jobDir,
      {
        jobId: facts.jobId,
        outcome: facts.outcome,
        reason: facts.reason,
        submittedAt: job.submittedAt,
        startedAt: record?.startedAtMs === undefined ? undefined : new Date(record.startedAtMs).toISOString(),
        finishedAt: new Date().toISOString(),
        pipeline: record?.pipeline,
        sample: record?.sample,
        devices,
        ...job,
        ...(record ? { instrument: record } : {}),
        ...(forced.length > 0 ? { forcedSettings: forced } : {}),
      },
      facts.dataSets,
    );
  } catch (error) {
    appendJobLog(jobDir, `the results archive could not be written: ${(error as Error).message}`);
  }
}

/** The reason of a completed single-task job, for data.json. */
export function completedReason(jobDir: string): string {
  return `completed: ${countReadings(dataFileOf(jobDir))} readings`;
}

/**
 * Whether a check that found its task ended should write the job's archive. A task is "stopped"
 * only when somebody asked (a cancel, or the monitor giving up on the job): whoever asked writes
 * the archive with the real reason, and this check, racing it, must not overwrite it.
 */
export const checkWritesArchive = (taskState: string): boolean => taskState !== "stopped";
