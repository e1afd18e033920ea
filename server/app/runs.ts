/**
 * Run actions the engine and monitor do not offer as one call, composed from calls they do offer.
 * Candidates for Engine methods; kept here until the engine grows them.
 */
import { EngineError } from "../engine/engine-error.js";
import type { LabflowRuntime } from "../labflow-runtime.js";
import { LabflowError } from "../schema/errors.js";
import { isFinishedRun } from "../schema/states.js";

/** Throws `run_not_found` unless the run exists. */
export function requireRun(runtime: LabflowRuntime, runId: string): void {
  if (!runtime.store.getRun(runId)) throw EngineError.notFound("run", runId);
}

/**
 * Forgets a finished run and its jobs. A run still going is refused (409 `run_active`): cancel it
 * first. The run's files under `<data>/runs/<id>` stay; cached results may still point at them.
 */
export async function deleteFinishedRun(runtime: LabflowRuntime, runId: string): Promise<void> {
  const { status } = runtime.engine.getRun(runId);
  if (!isFinishedRun(status) || runtime.engine.activeRunIds().includes(runId)) {
    throw new LabflowError("run_active", `run ${runId} is ${status}: cancel it before deleting it`);
  }
  for (const job of runtime.store.listJobs({ runId })) await runtime.monitor.delete(job.id);
  runtime.store.deleteRun(runId);
  runtime.store.flush();
}
