/**
 * Random histories of a driver host task, checked against the lifecycle's promises: a final state
 * never changes, a stop while starting ends `stopped` and never `running`, the instrument is told
 * to stop at most once, and every history ends final once the instrument has answered.
 * The seed is printed; rerun a failure with FC_SEED=<seed>.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyTaskEvent,
  isFinal,
  reportedState,
  type TaskEffect,
  type TaskEvent,
  type TaskLifecycle,
  type TaskOutcome,
} from "../../../server/devices/host/task-lifecycle.js";

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`task lifecycle properties: seed ${seed} (rerun with FC_SEED=${seed})`);
const runs = { seed, numRuns: 1000 };

const message = fc.constantFrom("link lost", "disk full", "silent", "the stop command failed: timeout");
const outcome: fc.Arbitrary<TaskOutcome> = fc.oneof(
  fc.constant({ state: "completed" as const }),
  message.map((m) => ({ state: "failed" as const, message: m })),
  fc.constant({ state: "stopped" as const }),
  message.map((m) => ({ state: "stopped" as const, message: m })),
);
/** Any event at any time, also answers nobody asked for. */
const anyEvent: fc.Arbitrary<TaskEvent> = fc.oneof(
  fc.constant({ type: "startAccepted" as const }),
  message.map((m) => ({ type: "startFailed" as const, message: m })),
  fc.constant({ type: "stopRequested" as const }),
  outcome.map((o) => ({ type: "ended" as const, outcome: o })),
  message.map((m) => ({ type: "failed" as const, message: m })),
  fc.constant({ type: "stopAnswered" as const }),
  message.map((m) => ({ type: "stopAnswered" as const, failure: m })),
);

interface Step {
  before: TaskLifecycle;
  event: TaskEvent;
  after: TaskLifecycle;
  effects: TaskEffect[];
}

function replay(events: TaskEvent[]): Step[] {
  let state: TaskLifecycle = { state: "starting" };
  return events.map((event) => {
    const { state: after, effects } = applyTaskEvent(state, event);
    const step = { before: state, event, after, effects };
    state = after;
    return step;
  });
}

const count = (steps: Step[], type: TaskEffect["type"]) =>
  steps.flatMap((s) => s.effects).filter((e) => e.type === type).length;

/** What the instrument answers at the end: the start, the end of the acquisition, the stop. */
const answers = fc.tuple(
  fc.oneof(
    fc.constant<TaskEvent>({ type: "startAccepted" }),
    message.map((m) => ({ type: "startFailed", message: m }) as TaskEvent),
  ),
  outcome.map((o): TaskEvent => ({ type: "ended", outcome: o })),
  fc.oneof(
    fc.constant<TaskEvent>({ type: "stopAnswered" }),
    message.map((m) => ({ type: "stopAnswered", failure: m }) as TaskEvent),
  ),
);

describe("task lifecycle properties", () => {
  it("a final state never changes, and nothing more is done for it", () => {
    fc.assert(
      fc.property(fc.array(anyEvent, { maxLength: 30 }), (events) => {
        for (const step of replay(events))
          if (isFinal(step.before)) {
            expect(step.after).toBe(step.before);
            expect(step.effects).toEqual([]);
          }
      }),
      runs,
    );
  });

  it("a stop while starting ends stopped and is never running", () => {
    fc.assert(
      fc.property(fc.array(anyEvent, { maxLength: 30 }), answers, (events, [start, end, stop]) => {
        const steps = replay([{ type: "stopRequested" }, ...events, start, end, stop]);
        for (const step of steps) expect(step.after.state).not.toBe("running");
        expect(steps.at(-1)?.after.state).toBe("stopped");
        expect(count(steps, "watch")).toBe(0);
      }),
      runs,
    );
  });

  it("the outcome, once told, stays; the task is finished and the instrument stopped at most once", () => {
    fc.assert(
      fc.property(fc.array(anyEvent, { maxLength: 30 }), (events) => {
        const steps = replay(events);
        let told: string | undefined;
        for (const step of steps) {
          const reported = reportedState(step.after).state;
          if (told) expect(reported).toBe(told);
          else if (reported !== "running") {
            told = reported;
            // The outcome becomes known in the same step the data file is closed and the meta written.
            expect(step.effects.map((e) => e.type)).toContain("finish");
          }
        }
        expect(count(steps, "finish")).toBeLessThanOrEqual(1);
        expect(count(steps, "sendStop")).toBeLessThanOrEqual(1);
        expect(count(steps, "watch")).toBeLessThanOrEqual(1);
      }),
      runs,
    );
  });

  it("every history ends in a final state once the instrument answered the start, the end and the stop", () => {
    fc.assert(
      fc.property(fc.array(anyEvent, { maxLength: 30 }), answers, (events, [start, end, stop]) => {
        const steps = replay([...events, start, end, stop]);
        const last = steps.at(-1)?.after as TaskLifecycle;
        expect(isFinal(last)).toBe(true);
        expect(count(steps, "finish")).toBe(1);
      }),
      runs,
    );
  });

  it("a task stopped or failed by the host has its instrument told to stop exactly once, whenever it came", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<TaskEvent>({ type: "stopRequested" }, { type: "failed", message: "disk full" }),
        fc.boolean(),
        answers,
        (ending, startFirst, [start, end, stop]) => {
          const history = startFirst ? [start, ending, end, stop] : [ending, start, end, stop];
          // Even a refused start may have started the instrument (only its reply was lost).
          expect(count(replay(history), "sendStop")).toBe(1);
        },
      ),
      runs,
    );
  });
});
