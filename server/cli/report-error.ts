/**
 * How a failed command ends: an expected error (a user's mistake, a server that does not answer,
 * a folder in use) as one line, or lines of problems, without a stack; a bug with its stack.
 */
import { DevicesFileError } from "../devices/lab/devices-file.js";
import { EngineError } from "../engine/engine-error.js";
import { formatProblem, type Problem } from "../schema/problem.js";
import { StoreError, type StoreErrorCode } from "../store/store-error.js";
import { CliError } from "./cli-error.js";
import { UsageError } from "./command-line.js";
import { ServerError } from "./remote-access.js";

/** Store errors a person can act on (the data folder is held, unusable, or from a newer labflow); the rest are bugs. */
const EXPECTED_STORE_ERRORS = new Set<StoreErrorCode>([
  "data_folder_in_use",
  "data_folder_unusable",
  "store_schema_too_new",
]);

/** Prints `error` on stderr; the exit code. */
export function reportError(error: unknown): number {
  if (error instanceof EngineError || error instanceof ServerError) {
    const problems = (
      error instanceof EngineError ? error.problems : (error.body.problems ?? [])
    ) as Problem[];
    console.error(`labflow: ${error.message}`);
    for (const problem of problems) console.error(`  ${formatProblem(problem)}`);
    return 1;
  }
  if (error instanceof UsageError) {
    console.error(`labflow${error.path ? ` ${error.path}` : ""}: ${error.message}`);
    return error.exitCode;
  }
  if (error instanceof CliError) {
    console.error(`labflow: ${error.message}`);
    return error.exitCode;
  }
  if (
    (error instanceof StoreError && EXPECTED_STORE_ERRORS.has(error.code)) ||
    error instanceof DevicesFileError
  ) {
    console.error(`labflow: ${error.message}`);
    return 1;
  }
  console.error("labflow: unexpected error:", error);
  return 1;
}
