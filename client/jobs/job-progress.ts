/** A job's progress as the Job Monitor shows it at a given time. Pure. */
import { isFinishedJob } from "../../server/schema/states.js";
import { clockProgress, type JobView } from "../../server/schema/views.js";

/**
 * The job's progress at `now`: from its clock while it runs (a timer's moves with time, with no
 * checks or events), else from its last check.
 */
export function jobProgress(job: JobView, now: number): number | undefined {
  const clock = job.progressClock;
  if (!clock || isFinishedJob(job.state)) return job.progress;
  const startedAt = Date.parse(clock.startedAt);
  const endsAt = Date.parse(clock.endsAt);
  if (Number.isNaN(startedAt) || Number.isNaN(endsAt)) return job.progress;
  return clockProgress(startedAt, endsAt, now);
}
