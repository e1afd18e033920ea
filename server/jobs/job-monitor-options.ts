import type { ModuleServices } from "../../modules/sdk/instruments.js";
import type { ModuleRegistry } from "../../modules/sdk/registry.js";
import type { EngineEvents } from "../engine/engine-events.js";
import type { JobRecord } from "../engine/records.js";
import type { Store } from "../engine/store.js";
import type { GlobalCheckInterval } from "./check-interval.js";

export interface JobMonitorOptions {
  store: Store;
  registry: ModuleRegistry;
  events: EngineEvents;
  jobDir(job: Pick<JobRecord, "id" | "runId">): string;
  /** Told when a job reached a final state, and when its progress changed. */
  onSettled(job: JobRecord): void;
  onProgress(job: JobRecord): void;
  globalInterval?: GlobalCheckInterval;
  /** What the server lends modules (instruments...), handed to job handles. */
  services?: ModuleServices;
  /** Checks in flight at once, across all jobs. */
  maxConcurrentChecks?: number;
  /** Consecutive failed checks after which a job fails. */
  maxFailedChecks?: number;
  /** A check that takes longer counts as failed. */
  checkTimeoutMs?: number;
  /** Progress and last-checked times are written at most this often per job (state changes at once). */
  persistEveryMs?: number;
}
