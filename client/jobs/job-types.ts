/**
 * What the Job Monitor keeps of its own. Jobs, runs, settings and log chunks as the server sends
 * them are the contract's (server/schema/views.ts, api.ts); these are the monitor's shapes.
 */
import type { RunStatus } from "../../server/schema/states.js";

/** A run as the monitor knows it: from the snapshot, `GET /api/runs` and run events. */
export interface RunInfo {
  id: string;
  /** Unknown until the run's summary arrives (a run event may come first). */
  workflowName?: string;
  status: RunStatus;
  createdAt?: string;
  message?: string;
}

export type LogStream = "stdout" | "stderr";
