/** Runs and live events as the server sends them (see docs/api.md). */
import type { WorkflowDocument } from "../../server/schema/workflow-document.js";

export const MODULE_STATUSES = [
  "pending",
  "running",
  "suspended",
  "done",
  "cached",
  "failed",
  "skipped",
  "cancelled",
] as const;
export type ModuleStatus = (typeof MODULE_STATUSES)[number];

export type RunStatus = "running" | "suspended" | "completed" | "failed" | "cancelled";

/** An error as it crosses the wire: a stable code, a message, the place. */
export interface ErrorInfo {
  code: string;
  message: string;
  moduleId?: string;
  port?: string;
  field?: string;
}

export interface ModuleRunState {
  status: ModuleStatus;
  outputs?: Record<string, unknown>;
  error?: ErrorInfo;
  /** 0..1, from a suspended job's last check. */
  progress?: number;
  /** The job's last check message. */
  message?: string;
}

export interface RunResponse {
  runId: string;
  status: RunStatus;
  message?: string;
  workflow?: WorkflowDocument;
  modules: Record<string, ModuleRunState>;
}

export interface JobView {
  id: string;
  runId: string;
  moduleId: string;
  state: string;
  progress?: number;
  message?: string;
}

export type EventMessage =
  | {
      type: "snapshot";
      runs: { id: string; status: RunStatus; modules?: Record<string, ModuleRunState> }[];
      jobs?: JobView[];
    }
  | { type: "run"; runId: string; status: RunStatus; message?: string }
  | ({ type: "module"; runId: string; moduleId: string } & ModuleRunState)
  | { type: "job"; job: JobView }
  | { type: "log"; entry?: unknown }
  /** The server-wide settings changed (another tab, the CLI). */
  | { type: "settings"; settings: { checkInterval: "module-default" | "off" | number; autoResume: boolean } };

export const isFinished = (status: RunStatus): boolean =>
  status === "completed" || status === "failed" || status === "cancelled";
