/** `--data DIR`: which data folder a command uses, and the check of commands that only look. */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { CliError } from "./cli-error.js";
import type { OptionSpecs } from "./command-spec.js";

export const DATA_OPTION = {
  data: { type: "string", value: "DIR", description: "data folder (default $LABFLOW_DATA or ./.labflow)" },
} as const satisfies OptionSpecs;

/** The data folder: `--data`, else LABFLOW_DATA, else ./.labflow (absolute). */
export function dataFolder(option: string | undefined): string {
  return resolve(option ?? process.env.LABFLOW_DATA ?? ".labflow");
}

/**
 * For commands that only look at what exists: a missing folder is said in one line (exit 1)
 * instead of an empty folder being created, which would hide a mistyped --data or a wrong directory.
 */
export function requireExistingDataFolder(dir: string): void {
  if (!existsSync(dir)) throw new CliError(`no data folder at ${dir}: nothing has run here yet`);
}
