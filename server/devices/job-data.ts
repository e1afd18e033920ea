import { existsSync } from "node:fs";
import { dataFileOf, readDataset, toCsv } from "../../modules/instruments/_dataset.js";
import { EngineError } from "../engine/engine-error.js";
import type { LabflowRuntime } from "../labflow-runtime.js";
import type { JobDataAnswer } from "../schema/pipelines-api.js";

/** A long acquisition is read in parts of about this size: ask again from `nextOffset`. */
const MAX_BYTES_PER_ANSWER = 8 * 1024 * 1024;

/**
 * A job's data at any time (while it runs, too): the readings its driver appended from byte
 * `offset` on, with units. Used by `GET /api/jobs/:id/data` and `labflow snapshot`.
 */
export function jobData(
  runtime: Pick<LabflowRuntime, "monitor" | "engine">,
  jobId: string,
  offset = 0,
): JobDataAnswer {
  const job = runtime.monitor.get(jobId);
  const jobDir = runtime.engine.jobDir(job);
  if (!existsSync(dataFileOf(jobDir)) && !job.moduleType.startsWith("instruments.")) {
    throw new EngineError("data_not_found", `job ${jobId} (${job.moduleType}) keeps no data file`);
  }
  const dataset = readDataset(jobDir, offset, MAX_BYTES_PER_ANSWER);
  return {
    jobId,
    state: job.state,
    units: dataset.units,
    quantities: dataset.quantities,
    readings: dataset.readings,
    offset,
    nextOffset: dataset.nextOffset,
  };
}

/** The same data as CSV, a header naming each column with its unit. */
export function jobDataCsv(data: JobDataAnswer): string {
  return toCsv({
    units: data.units,
    quantities: data.quantities,
    readings: data.readings,
    nextOffset: data.nextOffset,
  });
}
