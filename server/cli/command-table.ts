/**
 * Every `labflow` command, in the order `labflow --help` lists them. One entry per command (or
 * per family of commands under one word, like `pipeline`): its help and parsing come from it.
 */
import type { CommandTableEntry } from "./command-spec.js";
import { clusterFamily } from "./commands/cluster-commands.js";
import { deviceFamily, pipelineFamily, snapshotSpec } from "./commands/instrument-commands.js";
import {
  cancelSpec,
  checkSpec,
  jobsSpec,
  logsSpec,
  pauseSpec,
  resumeSpec,
  statusSpec,
} from "./commands/job-commands.js";
import { runSpec } from "./commands/run-command.js";
import { serveSpec } from "./commands/serve-command.js";
import { validateSpec } from "./commands/validate-command.js";
import { simulateInstrumentSpec } from "./simulate-instrument.js";

export const COMMAND_TABLE: readonly CommandTableEntry[] = [
  serveSpec,
  runSpec,
  validateSpec,
  statusSpec,
  jobsSpec,
  checkSpec,
  pauseSpec,
  resumeSpec,
  cancelSpec,
  logsSpec,
  pipelineFamily,
  snapshotSpec,
  deviceFamily,
  simulateInstrumentSpec,
  clusterFamily,
];
