/**
 * The job lifecycle as one pure function: a job and an event give the next job and what must be done
 * about it. The engine (starts) and the monitor (checks, cancels) only persist, schedule and tell what
 * this decides, so no caller can reach a state the lifecycle does not allow: a cancel during `start`
 * is never lost, a late answer never brings a cancelled job back, a final state never changes.
 *
 * ```
 * starting ─start returned─▶ running ⇄ waiting (qw) ─check: finished─▶ completed
 *    │  └─start failed─▶ failed          │      └────check: failed / too many failed checks─▶ failed
 *    └─cancel─▶ cancelling ◀─cancel──────┘
 *                 ├─(start returned: the work exists now) cancel it ─▶ cancelled
 *                 └─cancel failed: stays cancelling, retried at the next check
 * ```
 */
import type { ProgressClock } from "../../modules/sdk/job.js";
import { isFinishedJob } from "../schema/states.js";
import { clockProgress } from "../schema/views.js";
import type { JobRecord, JobState } from "./records.js";

/** What a check of the job's handle answered. */
export interface CheckAnswer {
  status: "waiting" | "running" | "finished" | "failed";
  progress?: number;
  /** Progress as a function of time, until the next answer. */
  progressClock?: ProgressClock;
  message?: string;
}

export type JobEvent =
  /** `start` returned the handle params: the work exists outside now. */
  | { type: "start_returned"; params: unknown; at: string }
  | { type: "start_failed"; message: string; at: string }
  | { type: "check_answered"; answer: CheckAnswer; at: string }
  /** A check threw or timed out; `fatal` when retrying cannot help (the handle cannot be rebuilt). */
  | { type: "check_failed"; message: string; maxFailedChecks: number; fatal: boolean; at: string }
  /** A person or a run asked to stop the work. */
  | { type: "cancel_requested"; at: string }
  /** The handle's cancel returned: the work is stopped. */
  | { type: "cancel_done"; at: string }
  | { type: "cancel_failed"; message: string; at: string };

/** What the caller must do after a transition, besides persisting the job when it changed. */
export interface JobEffects {
  /** The job reached a final state: stop following it and tell the runs that wait for it. */
  settle?: true;
  /** Ask the work to stop through the handle (`cancelled`: a person asked; `failed`: best effort). */
  stopWork?: "cancelled" | "failed";
}

export interface JobTransition {
  job: JobRecord;
  /** False when the event changes nothing (an outdated answer, a second cancel of a final job). */
  changed: boolean;
  effects: JobEffects;
}

/** States in which the work runs outside and the handle is checked. */
const FOLLOWED: ReadonlySet<JobState> = new Set(["queued", "waiting", "running"]);

const same = (job: JobRecord): JobTransition => ({ job, changed: false, effects: {} });
const next = (job: JobRecord, patch: Partial<JobRecord>, effects: JobEffects = {}): JobTransition => {
  const after = { ...job, ...patch };
  // A final job's progress no longer moves with time: it stays where it ended (a timer cancelled
  // at 70 % shows 70 %, not the ~0 % of its first and only check).
  if (isFinishedJob(after.state) && after.progressClock) {
    const { startedAt, endsAt } = after.progressClock;
    const endedAt = Date.parse(after.finishedAt ?? "");
    if (patch.progress === undefined && Number.isFinite(endedAt))
      after.progress = clockProgress(startedAt, endsAt, endedAt);
    delete after.progressClock;
  }
  return { job: after, changed: true, effects };
};

/** The next job after `event`, and what to do. Never mutates `job`. */
export function applyJobEvent(job: JobRecord, event: JobEvent): JobTransition {
  if (isFinishedJob(job.state)) return same(job);
  switch (event.type) {
    case "start_returned": {
      const params = event.params ?? {};
      // Cancelled while `start` ran: the work exists only now, so it is stopped now.
      if (job.state === "cancelling")
        return next(job, { params, startedAt: event.at }, { stopWork: "cancelled" });
      if (job.state !== "starting") return same(job);
      return next(job, { params, state: "running", startedAt: event.at });
    }
    case "start_failed":
      if (job.state === "cancelling")
        return next(
          job,
          { state: "cancelled", finishedAt: event.at, message: "cancelled" },
          { settle: true },
        );
      if (job.state !== "starting") return same(job);
      return next(job, { state: "failed", finishedAt: event.at, message: event.message }, { settle: true });
    case "check_answered":
      return answered(job, event.answer, event.at);
    case "check_failed": {
      if (!FOLLOWED.has(job.state)) return same(job);
      const failedChecks = job.failedChecks + 1;
      if (event.fatal || failedChecks >= event.maxFailedChecks) {
        const message = event.fatal
          ? event.message
          : `${event.maxFailedChecks} checks in a row failed; last: ${event.message}`;
        return next(
          job,
          { state: "failed", failedChecks, lastCheckedAt: event.at, finishedAt: event.at, message },
          { settle: true, stopWork: "failed" },
        );
      }
      return next(job, {
        failedChecks,
        lastCheckedAt: event.at,
        message: `check failed (${failedChecks}/${event.maxFailedChecks}): ${event.message}`,
      });
    }
    case "cancel_requested":
      if (job.state === "starting") return next(job, { state: "cancelling" });
      // A job already cancelling is asked again: the earlier cancel may have failed.
      return next(job, { state: "cancelling" }, job.params === null ? {} : { stopWork: "cancelled" });
    case "cancel_done":
      if (job.state !== "cancelling") return same(job);
      return next(job, { state: "cancelled", finishedAt: event.at, message: "cancelled" }, { settle: true });
    case "cancel_failed":
      if (job.state !== "cancelling") return same(job);
      return next(job, { message: `cancel failed: ${event.message}` });
  }
}

function answered(job: JobRecord, answer: CheckAnswer, at: string): JobTransition {
  // An answer that arrives while the job is cancelling (or before it started) must not revive it.
  if (!FOLLOWED.has(job.state)) return same(job);
  if (answer.status === "finished")
    return next(
      job,
      {
        state: "completed",
        progress: 1,
        failedChecks: 0,
        lastCheckedAt: at,
        finishedAt: at,
        message: answer.message ?? job.message,
      },
      { settle: true },
    );
  if (answer.status === "failed")
    return next(
      job,
      {
        state: "failed",
        failedChecks: 0,
        lastCheckedAt: at,
        finishedAt: at,
        message: answer.message ?? "the job failed",
      },
      { settle: true },
    );
  return next(job, {
    state: answer.status === "waiting" ? "waiting" : "running",
    failedChecks: 0,
    lastCheckedAt: at,
    progress: answer.progress,
    progressClock: answer.progressClock,
    message: answer.message ?? job.message,
  });
}
