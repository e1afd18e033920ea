/**
 * A driver host task's transitions, event by event, without processes or timers: each test is one
 * order of events the host has met (or could meet) and what the task must do about it.
 */
import { describe, expect, it } from "vitest";
import {
  applyTaskEvent,
  reportedState,
  type TaskEffect,
  type TaskEvent,
  type TaskLifecycle,
} from "../../../server/devices/host/task-lifecycle.js";

/** Applies the events in order from `starting`; the last state and every effect asked for. */
function replay(events: TaskEvent[], from: TaskLifecycle = { state: "starting" }) {
  let state = from;
  const effects: TaskEffect["type"][] = [];
  for (const event of events) {
    const next = applyTaskEvent(state, event);
    state = next.state;
    effects.push(...next.effects.map((effect) => effect.type));
  }
  return { state, effects };
}

const accepted: TaskEvent = { type: "startAccepted" };
const stop: TaskEvent = { type: "stopRequested" };
const stopAnswered: TaskEvent = { type: "stopAnswered" };
const completed: TaskEvent = { type: "ended", outcome: { state: "completed" } };
const linkLost: TaskEvent = { type: "ended", outcome: { state: "failed", message: "link lost" } };
const diskFull: TaskEvent = { type: "failed", message: "disk full" };

describe("task lifecycle", () => {
  it("runs once the instrument accepted the start, with a watchdog, and completes when it is done", () => {
    expect(replay([accepted])).toEqual({ state: { state: "running" }, effects: ["watch"] });
    expect(replay([accepted, completed])).toEqual({
      state: { state: "completed" },
      effects: ["watch", "finish"],
    });
  });

  it("a stop while starting ends the task at once and stops the instrument once it accepted the start", () => {
    const stopped = replay([stop]);
    expect(stopped.state).toEqual({ state: "stopping", awaiting: "start", outcome: { state: "stopped" } });
    expect(reportedState(stopped.state)).toEqual({ state: "stopped" });
    expect(stopped.effects).toEqual(["finish"]);

    const afterStart = replay([stop, accepted, stopAnswered]);
    expect(afterStart.state).toEqual({ state: "stopped" });
    // Never watched: the task ended before it ran.
    expect(afterStart.effects).toEqual(["finish", "sendStop"]);
  });

  it("a stop while starting keeps the stop's failure as the reason the task may still acquire", () => {
    const failure = "the stop command failed: timeout";
    const { state, effects } = replay([stop, accepted, { type: "stopAnswered", failure }]);
    expect(state).toEqual({ state: "stopped", message: failure });
    expect(effects).toEqual(["finish", "sendStop", "rewriteMeta"]);
  });

  it("a refused start fails the task with the reason and still tells the instrument to stop", () => {
    const { state, effects } = replay([{ type: "startFailed", message: "ERR -240" }]);
    expect(reportedState(state)).toEqual({ state: "failed", message: "ERR -240" });
    expect(effects).toEqual(["finish", "sendStop"]);
    expect(replay([stopAnswered], state).state).toEqual({ state: "failed", message: "ERR -240" });
  });

  it("a stop of a running task waits for the instrument's answer, still counting as running", () => {
    const stopping = replay([accepted, stop]);
    expect(stopping.state).toEqual({ state: "stopping", awaiting: "stop" });
    expect(reportedState(stopping.state)).toEqual({ state: "running" });
    expect(stopping.effects).toEqual(["watch", "sendStop"]);
    expect(replay([stopAnswered], stopping.state)).toEqual({
      state: { state: "stopped" },
      effects: ["finish"],
    });
  });

  it("an acquisition that finishes while its stop is on its way ends completed", () => {
    const { state, effects } = replay([accepted, stop, completed, stopAnswered]);
    expect(state).toEqual({ state: "completed" });
    expect(effects).toEqual(["watch", "sendStop", "finish"]);
  });

  it("a host failure of a running task ends it failed and stops the instrument once", () => {
    const { state, effects } = replay([accepted, diskFull, stop, diskFull, stopAnswered]);
    expect(state).toEqual({ state: "failed", message: "disk full" });
    expect(effects).toEqual(["watch", "finish", "sendStop"]);
  });

  it("a lost link fails a running task with no stop sent (there is no port to send it on)", () => {
    expect(replay([accepted, linkLost])).toEqual({
      state: { state: "failed", message: "link lost" },
      effects: ["watch", "finish"],
    });
  });

  it("a late failure, answer or stop after the end changes nothing", () => {
    const done = replay([accepted, completed]).state;
    for (const event of [
      diskFull,
      linkLost,
      stop,
      accepted,
      stopAnswered,
      { type: "startFailed", message: "x" },
    ])
      expect(applyTaskEvent(done, event as TaskEvent)).toEqual({ state: done, effects: [] });
  });

  it("a stop answer nobody asked for does not end a task that is starting or running", () => {
    expect(replay([stopAnswered]).state).toEqual({ state: "starting" });
    expect(replay([accepted, stopAnswered]).state).toEqual({ state: "running" });
  });
});
