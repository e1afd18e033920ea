import type { LabflowRuntime } from "../labflow-runtime.js";
import { IdempotentStarts } from "./idempotent-starts.js";
import { SettingsState } from "./settings.js";
import { type WorkflowDirs, WorkflowFiles } from "./workflow-files.js";

/**
 * The application API: what people can do with a running labflow, as transport-free calls (as
 * Node-RED's runtime API is to its admin HTTP layer). The engine, the monitor and the instruments
 * come with the runtime; this adds what composes them: saved workflows, settings kept across
 * restarts, run creation that a retried request cannot repeat, run deletion (./runs.ts). HTTP
 * routes only translate a request into one of these calls and its result into a response.
 */
export interface LabflowApp {
  runtime: LabflowRuntime;
  workflows: WorkflowFiles;
  settings: SettingsState;
  /** Run creation keyed by an idempotency key (the same key starts one run). */
  starts: IdempotentStarts;
}

export function openApp(runtime: LabflowRuntime, options: { workflowsDirs: WorkflowDirs }): LabflowApp {
  return {
    runtime,
    workflows: new WorkflowFiles(options.workflowsDirs),
    // A change from one tab (or the CLI) reaches every open Job Monitor as a settings event.
    settings: new SettingsState(runtime.store, runtime.monitor, (settings) =>
      runtime.events.emit({ type: "settings", settings }),
    ),
    starts: new IdempotentStarts(runtime.store),
  };
}
