/**
 * The state of the run the editor watches, folded from `GET /api/runs/:id` and WebSocket events.
 * Pure functions: the hook that owns the socket only calls them.
 */

import type { ServerMessage as EventMessage } from "../../../server/schema/messages.js";
import { isFinishedRun, type RunStatus } from "../../../server/schema/states.js";
import type { RunDetail as RunResponse } from "../../../server/schema/views.js";
import type { ModuleRunState } from "../../platform/api/runs.js";

export interface RunView {
  runId: string;
  status: RunStatus;
  message?: string;
  /** The name of the workflow that ran, when known: states show on a document of that name. */
  workflowName?: string;
  modules: Readonly<Record<string, ModuleRunState>>;
}

/** The key under which a change of the run's own status is tracked in `touched` sets. */
export const RUN_KEY = "\u0000run";

export function runFromResponse(r: RunResponse): RunView {
  const view: RunView = { runId: r.runId, status: r.status, modules: r.modules ?? {} };
  if (r.message) view.message = r.message;
  if (r.workflow?.name) view.workflowName = r.workflow.name;
  return view;
}

/** What an event changes in the view: the ids of touched modules (and RUN_KEY), or none. */
export function touchedBy(view: RunView, message: EventMessage): string[] {
  switch (message.type) {
    case "run":
      return message.runId === view.runId ? [RUN_KEY] : [];
    case "module":
      return message.runId === view.runId ? [message.moduleId] : [];
    // A job's event changes its module's progress and message only, never its state: the
    // fetched state stays the truth (a job checked every second must not hide it).
    case "job":
      return message.job.runId === view.runId ? [`${message.job.moduleId}${PROGRESS_SUFFIX}`] : [];
    default:
      return [];
  }
}

/** The key of a module's progress and message in a set of touched keys (a job event's). */
const PROGRESS_SUFFIX = "#progress";

/** The view after one event; the same object when the event is about another run. */
export function applyEvent(view: RunView, message: EventMessage): RunView {
  switch (message.type) {
    case "snapshot": {
      const run = message.runs.find((r) => r.id === view.runId);
      if (!run) return view;
      return { ...view, status: run.status, modules: run.modules ? { ...run.modules } : view.modules };
    }
    case "run": {
      if (message.runId !== view.runId) return view;
      const next: RunView = { ...view, status: message.status };
      if (message.message) next.message = message.message;
      return next;
    }
    case "module": {
      if (message.runId !== view.runId) return view;
      const { type: _type, runId: _runId, moduleId, ...state } = message;
      return { ...view, modules: { ...view.modules, [moduleId]: state } };
    }
    case "job": {
      const { job } = message;
      if (job.runId !== view.runId) return view;
      const previous = view.modules[job.moduleId] ?? { status: "running" };
      const state: ModuleRunState = { ...previous };
      if (job.progress !== undefined) state.progress = job.progress;
      if (job.progressClock) state.progressClock = job.progressClock;
      else delete state.progressClock;
      if (job.message !== undefined) state.message = job.message;
      return { ...view, modules: { ...view.modules, [job.moduleId]: state } };
    }
    default:
      return view;
  }
}

/**
 * Takes a fetched run, except where events changed the view after the fetch was sent (those are
 * newer than the answer): a re-fetch after a reconnect then never undoes a later event.
 */
export function mergeFetched(
  view: RunView | undefined,
  fetched: RunView,
  touched: ReadonlySet<string>,
): RunView {
  if (!view || view.runId !== fetched.runId || touched.size === 0) return fetched;
  const modules = { ...fetched.modules };
  for (const key of touched) {
    if (key === RUN_KEY) continue;
    if (key.endsWith(PROGRESS_SUFFIX)) {
      // The fetched state, with the progress and message a newer job event told.
      const id = key.slice(0, -PROGRESS_SUFFIX.length);
      const mine = view.modules[id];
      const theirs = modules[id];
      if (mine && theirs && !touched.has(id))
        modules[id] = {
          ...theirs,
          ...(mine.progress !== undefined ? { progress: mine.progress } : {}),
          ...(mine.progressClock ? { progressClock: mine.progressClock } : {}),
          ...(mine.message !== undefined ? { message: mine.message } : {}),
        };
      continue;
    }
    const mine = view.modules[key];
    if (mine) modules[key] = mine;
  }
  const status = touched.has(RUN_KEY) ? view.status : fetched.status;
  return { ...fetched, status, modules };
}

/** The run's states belong on this document: same workflow name (or the name is not known yet). */
export const runBelongsTo = (view: RunView | undefined, documentName: string): boolean =>
  view !== undefined && (view.workflowName === undefined || view.workflowName === documentName);

/**
 * The run the toolbar shows beside this document: the run of this document, or a run still going
 * (so it can be cancelled). A finished run of another workflow shows nothing, so its badge never
 * sits on a new, unrelated one.
 */
export const toolbarRun = (view: RunView | undefined, documentName: string): RunView | undefined =>
  view && (runBelongsTo(view, documentName) || !isFinishedRun(view.status)) ? view : undefined;

/**
 * What the status line says when the watched run ends (it said "Run … started" before): only on
 * the change from going to finished, so a run restored finished after a reload says nothing.
 */
export function runEndNotice(
  before: RunView | undefined,
  after: RunView | undefined,
): { kind: "info" | "error"; text: string } | undefined {
  if (!before || !after || before.runId !== after.runId) return undefined;
  if (isFinishedRun(before.status) || !isFinishedRun(after.status)) return undefined;
  const why = after.message ? `: ${after.message}` : "";
  return after.status === "failed"
    ? { kind: "error", text: `Run ${after.runId} failed${why}` }
    : { kind: "info", text: `Run ${after.runId} ${after.status}` };
}
