/**
 * A driver host task's lifecycle as data: one union of states and one pure function that applies
 * an event to a state and says what the host must do about it. No processes, timers or files here,
 * so every order of events (a stop while the start is on its way, a link lost while stopping, a
 * failure after the end) can be tested by feeding events, and no state can hold a contradiction
 * such as "stopped, but still starting". The task runner (task-runner.ts) only carries out the
 * effects and feeds back what the instrument answered.
 *
 * | state                      | event                        | next                               | effects           |
 * |----------------------------|------------------------------|------------------------------------|-------------------|
 * | starting                   | startAccepted                | running                            | watch             |
 * | starting                   | startFailed                  | stopping (stop, failed)            | finish, sendStop  |
 * | starting                   | stopRequested, ended, failed | stopping (start, its outcome)      | finish            |
 * | running                    | ended                        | its outcome                        | finish            |
 * | running                    | failed                       | stopping (stop, failed)            | finish, sendStop  |
 * | running                    | stopRequested                | stopping (stop, outcome open)      | sendStop          |
 * | stopping (start, o)        | startAccepted, startFailed   | stopping (stop, o)                 | sendStop          |
 * | stopping (stop, open)      | ended, failed                | stopping (stop, its outcome)       | finish            |
 * | stopping (stop, open)      | stopAnswered                 | stopped, with the stop's failure   | finish            |
 * | stopping (stop, o)         | stopAnswered                 | o; a bare stopped gets the failure | rewriteMeta if so |
 * | completed, failed, stopped | anything                     | unchanged                          |                   |
 *
 * Any other pair leaves the state unchanged with no effect (e.g. a stop answer nobody asked for).
 */

/** How a task ended. */
export type TaskOutcome =
  | { state: "completed" }
  | { state: "failed"; message: string }
  | { state: "stopped"; message?: string };

/** The states of a task; only the last three are final, and a final state never changes. */
export type TaskLifecycle =
  /** The start command is on its way to the instrument. */
  | { state: "starting" }
  /** The instrument acquires; readings go to the data file. */
  | { state: "running" }
  /**
   * The task is ending and the instrument still has to answer a command: its start (then it is
   * told to stop, in case it started) or its stop. `outcome` is how the task ended, once known; a
   * stop asked for by a client leaves it open until the instrument answers (it may finish first).
   * The channel stays busy until then, so that no new start overtakes the stop.
   */
  | { state: "stopping"; awaiting: "start"; outcome: TaskOutcome }
  | { state: "stopping"; awaiting: "stop"; outcome?: TaskOutcome }
  | TaskOutcome;

/** What happens to a task: a client's request, the instrument's answer, or the host's verdict. */
export type TaskEvent =
  /** The instrument accepted the start. */
  | { type: "startAccepted" }
  /** The start failed (refused or unanswered); the instrument may have started all the same. */
  | { type: "startFailed"; message: string }
  /** A client asked to stop the task. */
  | { type: "stopRequested" }
  /**
   * The task ended with no stop needed from the host: the instrument finished by itself, its link
   * was lost, the device was reset, or the host shut down.
   */
  | { type: "ended"; outcome: TaskOutcome }
  /** The host fails the task (data file not writable, a silent instrument): stop the instrument. */
  | { type: "failed"; message: string }
  /** The stop command was answered; `failure` says why it failed, if it did. */
  | { type: "stopAnswered"; failure?: string };

/** What the task runner does after a transition, in this order. */
export type TaskEffect =
  /** Start the watchdog (silence and overrun) and log that the task started. */
  | { type: "watch" }
  /** The outcome is known: close the data file, drop the listeners, write the final meta, log it. */
  | { type: "finish" }
  /** Tell the instrument to stop; its answer comes back as `stopAnswered`. */
  | { type: "sendStop"; why: string }
  /** The final message changed after `finish` (the stop failed): write the meta file again. */
  | { type: "rewriteMeta" };

export interface TaskTransition {
  state: TaskLifecycle;
  effects: TaskEffect[];
}

/** Completed, failed or stopped: nothing more is told to the instrument, and it never changes. */
export function isFinal(state: TaskLifecycle): state is TaskOutcome {
  return state.state === "completed" || state.state === "failed" || state.state === "stopped";
}

/** Readings are written while the task runs, or while a stop a client asked for is answered. */
export function takesReadings(state: TaskLifecycle): boolean {
  return (
    state.state === "starting" ||
    state.state === "running" ||
    (state.state === "stopping" && state.outcome === undefined)
  );
}

/**
 * What a client is told (the driver API's `TaskState`): a task counts as running until its outcome
 * is known, and as its outcome from then on, while the instrument is still being stopped too.
 */
export function reportedState(state: TaskLifecycle): TaskOutcome | { state: "running" } {
  if (isFinal(state)) return state;
  if (state.state === "stopping" && state.outcome) return state.outcome;
  return { state: "running" };
}

const unchanged = (state: TaskLifecycle): TaskTransition => ({ state, effects: [] });

/** Applies one event to a task's state: the next state and what to do. Never throws. */
export function applyTaskEvent(state: TaskLifecycle, event: TaskEvent): TaskTransition {
  switch (state.state) {
    case "starting":
      return fromStarting(event);
    case "running":
      return fromRunning(event);
    case "stopping":
      return state.awaiting === "start" ? whileStartPending(state, event) : whileStopPending(state, event);
    default:
      // Final: a late answer or a second verdict changes nothing.
      return unchanged(state);
  }
}

function fromStarting(event: TaskEvent): TaskTransition {
  switch (event.type) {
    case "startAccepted":
      return { state: { state: "running" }, effects: [{ type: "watch" }] };
    case "startFailed":
      return {
        state: { state: "stopping", awaiting: "stop", outcome: { state: "failed", message: event.message } },
        effects: [{ type: "finish" }, { type: "sendStop", why: "its start failed" }],
      };
    // A stop sent now would reach the instrument before the start still on its way: the task
    // ends now, and the instrument is stopped once it answered the start.
    case "stopRequested":
      return endWhileStarting({ state: "stopped" });
    case "ended":
      return endWhileStarting(event.outcome);
    case "failed":
      return endWhileStarting({ state: "failed", message: event.message });
    case "stopAnswered":
      return unchanged({ state: "starting" });
  }
}

function endWhileStarting(outcome: TaskOutcome): TaskTransition {
  return { state: { state: "stopping", awaiting: "start", outcome }, effects: [{ type: "finish" }] };
}

function fromRunning(event: TaskEvent): TaskTransition {
  switch (event.type) {
    case "stopRequested":
      // The outcome waits for the instrument: readings taken before it stopped are kept, and an
      // acquisition that finishes or loses its link first ends that way.
      return {
        state: { state: "stopping", awaiting: "stop" },
        effects: [{ type: "sendStop", why: "a stop was requested" }],
      };
    case "ended":
      return { state: event.outcome, effects: [{ type: "finish" }] };
    case "failed":
      return {
        state: { state: "stopping", awaiting: "stop", outcome: { state: "failed", message: event.message } },
        effects: [{ type: "finish" }, { type: "sendStop", why: "the task failed" }],
      };
    default:
      return unchanged({ state: "running" });
  }
}

function whileStartPending(
  state: Extract<TaskLifecycle, { awaiting: "start" }>,
  event: TaskEvent,
): TaskTransition {
  // Whatever the start's answer, the instrument may be acquiring now: tell it to stop.
  if (event.type === "startAccepted" || event.type === "startFailed") {
    const why =
      event.type === "startFailed" ? "its start failed" : `the task ${state.outcome.state} while starting`;
    return {
      state: { state: "stopping", awaiting: "stop", outcome: state.outcome },
      effects: [{ type: "sendStop", why }],
    };
  }
  return unchanged(state);
}

function whileStopPending(
  state: Extract<TaskLifecycle, { awaiting: "stop" }>,
  event: TaskEvent,
): TaskTransition {
  const { outcome } = state;
  if (event.type === "stopAnswered") {
    if (!outcome)
      return {
        state: event.failure ? { state: "stopped", message: event.failure } : { state: "stopped" },
        effects: [{ type: "finish" }],
      };
    // A stopped task whose instrument may still acquire says so; other outcomes keep their reason.
    if (outcome.state === "stopped" && !outcome.message && event.failure)
      return { state: { state: "stopped", message: event.failure }, effects: [{ type: "rewriteMeta" }] };
    return { state: outcome, effects: [] };
  }
  if (outcome) return unchanged(state);
  // A stop a client asked for is on its way; the task may still end otherwise before it lands.
  if (event.type === "ended")
    return {
      state: { state: "stopping", awaiting: "stop", outcome: event.outcome },
      effects: [{ type: "finish" }],
    };
  if (event.type === "failed")
    return {
      state: { state: "stopping", awaiting: "stop", outcome: { state: "failed", message: event.message } },
      effects: [{ type: "finish" }],
    };
  return unchanged(state);
}
