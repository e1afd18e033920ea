import type { LabflowRuntime } from "../labflow-runtime.js";
import type { SettingsState } from "./settings-state.js";
import type { WorkflowFiles } from "./workflow-files.js";

/** What the routes call: the runtime, plus the two things the HTTP layer keeps itself. */
export interface HttpContext {
  runtime: LabflowRuntime;
  workflows: WorkflowFiles;
  settings: SettingsState;
}
