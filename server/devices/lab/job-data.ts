import { existsSync } from "node:fs";
import {
  completeEnd,
  csvHeader,
  csvLines,
  dataFileOf,
  decimatedReadings,
  quantitiesOf,
  readDataset,
  readUnits,
  scanQuantities,
  scanReadings,
  toCsv,
} from "../../../modules/sdk/instrument-data.js";
import { EngineError } from "../../engine/engine-error.js";
import type { LabflowRuntime } from "../../labflow-runtime.js";
import type { JobDataAnswer } from "../../schema/pipelines-api.js";

/** A long acquisition is read in parts of about this size: ask again from `nextOffset`. */
const MAX_BYTES_PER_ANSWER = 8 * 1024 * 1024;

type DataRuntime = Pick<LabflowRuntime, "monitor" | "engine">;

/** The job and its folder, or a clear error for a job that keeps no data. */
function dataJob(runtime: DataRuntime, jobId: string) {
  const job = runtime.monitor.get(jobId);
  const jobDir = runtime.engine.jobDir(job);
  if (!existsSync(dataFileOf(jobDir)) && !job.moduleType.startsWith("instruments.")) {
    throw new EngineError("data_not_found", `job ${jobId} (${job.moduleType}) keeps no data file`);
  }
  return { job, jobDir };
}

/**
 * A job's data at any time (while it runs, too): the readings its driver appended from byte
 * `offset` on, with units. Used by `GET /api/jobs/:id/data` and `labflow snapshot`.
 * - without `maxPoints`: about 8 MB of the file at most; ask again from `nextOffset` for more.
 * - with `maxPoints`: the readings from `offset` to the end, evenly decimated to at most `maxPoints`
 *   (first and last kept), streamed through in bounded memory; `nextOffset` is the end read.
 */
export async function jobData(
  runtime: DataRuntime,
  jobId: string,
  offset = 0,
  maxPoints?: number,
): Promise<JobDataAnswer> {
  const { job, jobDir } = dataJob(runtime, jobId);
  if (maxPoints === undefined) {
    const dataset = readDataset(jobDir, offset, MAX_BYTES_PER_ANSWER);
    return {
      jobId,
      state: job.state,
      units: dataset.units,
      quantities: dataset.quantities,
      readings: dataset.readings,
      offset,
      nextOffset: dataset.nextOffset,
      decimated: false,
    };
  }
  const picked = await decimatedReadings(dataFileOf(jobDir), offset, maxPoints);
  return {
    jobId,
    state: job.state,
    units: readUnits(jobDir),
    quantities: quantitiesOf(picked.readings),
    readings: picked.readings,
    offset,
    nextOffset: picked.nextOffset,
    decimated: picked.decimated,
  };
}

/** The same data as CSV, a header naming each column with its unit. */
export function jobDataCsv(
  data: Pick<JobDataAnswer, "units" | "quantities" | "readings" | "nextOffset">,
): string {
  return toCsv({
    units: data.units,
    quantities: data.quantities,
    readings: data.readings,
    nextOffset: data.nextOffset,
  });
}

/** Where CSV text goes, a piece at a time (an HTTP response); resolves when it can take more. */
export type TextSink = (text: string) => Promise<void>;

/**
 * The whole data of a job from `offset` to the end of the file as CSV with units, streamed into
 * `write` (one chunk of the file in memory at a time, however long the acquisition). The header
 * names every quantity of that part of the file, found by a first pass.
 */
export async function streamJobDataCsv(
  runtime: DataRuntime,
  jobId: string,
  offset: number,
  write: TextSink,
): Promise<void> {
  const { jobDir } = dataJob(runtime, jobId);
  const file = dataFileOf(jobDir);
  const end = await completeEnd(file);
  const quantities = await scanQuantities(file, end, offset);
  await write(csvHeader(quantities, readUnits(jobDir)));
  await scanReadings(file, offset, end, async (readings) => {
    if (readings.length > 0) await write(csvLines(readings, quantities));
  });
}
