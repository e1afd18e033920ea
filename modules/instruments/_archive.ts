/**
 * The results archive of an instrument job (zip, via fflate): the data as CSV and as JSON with
 * units, the job log, and a copy of the run's workflow document.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { strToU8, zipSync } from "fflate";
import { readDataset, toCsv } from "./_dataset.js";
import { ARCHIVE_NAME, JOB_LOG_NAME } from "./_job-files.js";

/** The run's copy of its document, written by the engine when the run started. */
export const RUN_DOCUMENT_NAME = "workflow.json";

/** Writes `<jobDir>/results.zip` (atomically) and returns its path. */
export function writeResultsArchive(jobDir: string, info: Record<string, unknown> = {}): string {
  const dataset = readDataset(jobDir);
  const runDir = join(jobDir, "..", "..");
  const files: Record<string, Uint8Array> = {
    "data.csv": strToU8(toCsv(dataset)),
    "data.json": strToU8(
      `${JSON.stringify({ ...info, units: dataset.units, quantities: dataset.quantities, readings: dataset.readings }, null, 1)}\n`,
    ),
  };
  const log = join(jobDir, JOB_LOG_NAME);
  if (existsSync(log)) files[JOB_LOG_NAME] = readFileSync(log);
  const document = join(runDir, RUN_DOCUMENT_NAME);
  if (existsSync(document)) files[RUN_DOCUMENT_NAME] = readFileSync(document);
  const archive = join(jobDir, ARCHIVE_NAME);
  writeFileSync(`${archive}.tmp`, zipSync(files, { level: 6, mtime: new Date() }));
  renameSync(`${archive}.tmp`, archive);
  return archive;
}
