/**
 * How records are shown over HTTP, the WebSocket and the CLI: jobs without their handle params
 * and internal counters, module errors without stacks (they stay in the server's store and log).
 */

import type { ProgressClock } from "../../modules/sdk/job.js";
import type { AppEvent } from "../app-events.js";
import type { ModuleView, RunView } from "../engine/engine.js";
import type { JobRecord, ModuleFailure } from "../engine/records.js";
import type { ServerMessage } from "../schema/messages.js";
import { JOB_STATE_LETTER } from "../schema/states.js";
import type {
  CancelJobAnswer,
  JobView,
  ModuleErrorView,
  ModuleStateView,
  ProgressClockView,
  RunDetail,
} from "../schema/views.js";

export function jobView(job: JobRecord): JobView {
  return {
    id: job.id,
    runId: job.runId,
    moduleId: job.moduleId,
    type: job.moduleType,
    moduleType: job.moduleType,
    state: job.state,
    letter: JOB_STATE_LETTER[job.state],
    paused: job.paused,
    intervalMs: job.intervalMs,
    ...optional("progress", job.progress),
    ...(job.progressClock ? { progressClock: progressClockView(job.progressClock) } : {}),
    ...optional("message", job.message),
    submittedAt: job.submittedAt,
    ...optional("startedAt", job.startedAt),
    ...optional("finishedAt", job.finishedAt),
    ...optional("lastCheckedAt", job.lastCheckedAt),
    ...optional("nextCheckAt", job.nextCheckAt),
  };
}

function progressClockView(clock: ProgressClock): ProgressClockView {
  return { startedAt: new Date(clock.startedAt).toISOString(), endsAt: new Date(clock.endsAt).toISOString() };
}

/** The answer to a job's cancel: the job as it is now, and what its handle said. */
export function cancelJobAnswer(cancelled: { job: JobRecord; message?: string }): CancelJobAnswer {
  return {
    job: jobView(cancelled.job),
    ...(cancelled.message !== undefined ? { message: cancelled.message } : {}),
  };
}

export function moduleErrorView(error: ModuleFailure): ModuleErrorView {
  return { code: error.code, message: error.message, ...optional("port", error.port) };
}

export function moduleStatesView(modules: Record<string, ModuleView>): Record<string, ModuleStateView> {
  const out: Record<string, ModuleStateView> = {};
  for (const [id, { error, progressClock, ...rest }] of Object.entries(modules)) {
    out[id] = {
      ...rest,
      ...(error ? { error: moduleErrorView(error) } : {}),
      ...(progressClock ? { progressClock: progressClockView(progressClock) } : {}),
    };
  }
  return out;
}

export function runDetail(view: RunView): RunDetail {
  return { ...view, modules: moduleStatesView(view.modules) };
}

export function eventMessage(event: AppEvent): ServerMessage {
  switch (event.type) {
    case "job":
      return { type: "job", job: jobView(event.job) };
    case "module": {
      const { error, progressClock, ...rest } = event;
      return {
        ...rest,
        ...(error ? { error: moduleErrorView(error) } : {}),
        ...(progressClock ? { progressClock: progressClockView(progressClock) } : {}),
      };
    }
    default:
      return event;
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
