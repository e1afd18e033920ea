import type { ModuleServices } from "../../modules/sdk/instruments.js";
import type { JobHandle } from "../../modules/sdk/job.js";
import type { ModuleRegistry } from "../../modules/sdk/registry.js";
import type { JobRecord } from "../engine/records.js";

/** The handle of a job cannot be made: retrying will not help, the job fails at once. */
export class HandleRebuildError extends Error {}

/**
 * Rebuilds a job's handle from its persisted params alone (suspension is data), through the
 * factory its module registered for the job's kind.
 */
export function rebuildHandle(
  job: JobRecord,
  registry: ModuleRegistry,
  jobDir: string,
  services: ModuleServices | undefined,
): JobHandle {
  const factory = registry.handleFactory(job.kind);
  if (!factory)
    throw new HandleRebuildError(
      `the handle cannot be rebuilt: no module provides the job kind "${job.kind}"`,
    );
  try {
    return factory(job.params, { jobId: job.id, jobDir, services });
  } catch (error) {
    throw new HandleRebuildError(`the handle cannot be rebuilt from its params: ${messageOf(error)}`);
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
