import type { ModuleServices } from "../../modules/sdk/instruments.js";
import type { ModuleRegistry } from "../../modules/sdk/registry.js";
import type { Workspace } from "../../modules/sdk/workspace.js";
import type { EngineEvents } from "./engine-events.js";
import type { JobRecord } from "./records.js";
import type { Store } from "./store.js";

/**
 * What follows jobs after they started: the job monitor (server/jobs) implements it. The engine only
 * hands jobs over and hears back through `Engine.jobSettled`.
 */
export interface JobTracker {
  /** Start checking a job (new, or restored after a restart). */
  track(job: JobRecord): void;
  /** Stop the real work through the handle; the job settles as cancelled. */
  cancel(jobId: string): Promise<void>;
}

/** Everything a run needs from outside, given by the engine. */
export interface ExecutionEnvironment {
  store: Store;
  registry: ModuleRegistry;
  events: EngineEvents;
  workspace: Workspace;
  jobs: JobTracker;
  /** Upper bound of modules computing (or starting jobs) at once in one run. */
  maxConcurrency: number;
  runDir(runId: string): string;
  /** The folder of a job's files: inside its run's folder. */
  jobDir(job: Pick<JobRecord, "id" | "runId">): string;
  /** The data folder's own random key, part of every job id (jobIdFor). */
  folderKey: string;
  /** What the server lends modules (instruments...), handed to them as `ctx.services`. */
  services?: ModuleServices;
}
