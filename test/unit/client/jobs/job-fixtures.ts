import type { RunInfo } from "../../../../client/jobs/job-types.js";
import { JOB_STATE_LETTER } from "../../../../server/schema/states.js";
import type { JobView } from "../../../../server/schema/views.js";

/** A job view as the server sends it, with the fields a test cares about. */
export function job(id: string, runId: string, over: Partial<JobView> = {}): JobView {
  const state = over.state ?? "running";
  return {
    id,
    runId,
    moduleId: id,
    type: "jobs.Timer",
    moduleType: "jobs.Timer",
    letter: JOB_STATE_LETTER[state],
    paused: false,
    intervalMs: null,
    submittedAt: "2026-01-01T10:00:00.000Z",
    ...over,
    state,
  };
}

export function run(
  id: string,
  workflowName: string,
  createdAt: string,
  over: Partial<RunInfo> = {},
): RunInfo {
  return { id, workflowName, status: "suspended", createdAt, ...over };
}
