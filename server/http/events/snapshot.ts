import { jobView, moduleStatesView } from "../../app/views.js";
import type { LabflowRuntime } from "../../labflow-runtime.js";
import type { MessageOf } from "../../schema/messages.js";
import { OPEN_JOB_STATES } from "../../schema/states.js";
import type { SnapshotRun } from "../../schema/views.js";

/** Finished runs the snapshot shows besides the active ones. */
const RECENT_RUNS = 50;

/**
 * The current state a WebSocket client starts from: the active runs with their modules' states, the
 * recent runs, and every job not finished. Built synchronously, so that no event falls between it
 * and the events that follow.
 */
export function buildSnapshot(runtime: LabflowRuntime): MessageOf<"snapshot"> {
  const { engine, monitor, store } = runtime;
  const active = new Set(engine.activeRunIds());
  const runs: SnapshotRun[] = engine.listRuns({ limit: RECENT_RUNS });
  const listed = new Set(runs.map((r) => r.id));
  for (const id of active) {
    const run = listed.has(id) ? undefined : store.getRun(id);
    if (run) {
      runs.push({
        id,
        workflowName: run.document.name,
        status: run.status,
        createdAt: run.createdAt,
        updatedAt: run.updatedAt,
      });
    }
  }
  const withModules = runs.map((summary): SnapshotRun => {
    if (!active.has(summary.id)) return summary;
    const view = engine.getRun(summary.id);
    return { ...summary, status: view.status, modules: moduleStatesView(view.modules) };
  });
  withModules.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  const jobs = monitor.list({ states: [...OPEN_JOB_STATES] }).map(jobView);
  return { type: "snapshot", runs: withModules, jobs };
}
