import { describe, expect, it } from "vitest";
import type { InstrumentEventsListener } from "../../../client/instruments/instrument-events.js";
import { JobDataFollower } from "../../../client/instruments/job-data-follower.js";
import type { JobDataMessage as JobDataEvent } from "../../../server/schema/messages.js";
import type { JobDataAnswer, Reading } from "../../../server/schema/pipelines-api.js";

const LINE = 10;
const reading = (i: number): Reading => ({ t: new Date(Date.UTC(2026, 0, 1) + i * 100).toISOString(), v: i });
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => reading(from + k));

/** A data file of `written` readings, read by fetches and announced by events, by hand. */
function harness(options: { decimating?: boolean } = {}) {
  let written = 0;
  let listener: InstrumentEventsListener = {};
  const frames: (() => void)[] = [];
  const answers: { offset: number; maxPoints: number; resolve(): void }[] = [];
  let redraws = 0;
  const follower = new JobDataFollower(
    "job-1",
    {
      onFrame() {
        redraws++;
      },
      onProblem() {},
    },
    {
      fetchData: (_jobId, offset, maxPoints) =>
        new Promise<JobDataAnswer>((resolve) => {
          const all = range(offset / LINE, written);
          // A server that knows maxPoints thins a longer range evenly and reads to the end.
          const decimated = options.decimating === true && all.length > maxPoints;
          const step = Math.ceil(all.length / maxPoints);
          answers.push({
            offset,
            maxPoints,
            // The answer holds what the file has when the server reads it.
            resolve: () =>
              resolve({
                jobId: "job-1",
                state: "running",
                units: { v: "V" },
                quantities: ["v"],
                readings: decimated ? all.filter((_, k) => k % step === 0) : all,
                offset,
                nextOffset: written * LINE,
                ...(options.decimating ? { decimated } : {}),
              }),
          });
        }),
      listen(l) {
        listener = l;
        return () => {};
      },
      nextFrame(callback) {
        frames.push(callback);
        return () => {};
      },
    },
  );
  const event = (from: number, to: number): JobDataEvent => ({
    type: "job.data",
    runId: "r",
    jobId: "job-1",
    offset: from * LINE,
    nextOffset: to * LINE,
    units: { v: "V" },
    readings: range(from, to),
  });
  return {
    follower,
    write: (n: number) => {
      written = n;
    },
    send: (from: number, to: number) => listener.onData?.(event(from, to)),
    reconnect: () => listener.onConnected?.(),
    askedMaxPoints: () => answers[0]?.maxPoints,
    async answer() {
      const next = answers.shift();
      if (!next) throw new Error("no fetch is out");
      next.resolve();
      await new Promise((r) => setTimeout(r, 0));
      return next.offset;
    },
    outstanding: () => answers.length,
    paint: () => {
      for (const frame of frames.splice(0)) frame();
    },
    values: () => follower.series.columns.get("v") ?? [],
    redraws: () => redraws,
  };
}

describe("following a job's data over fetches and events", () => {
  it("joins the first fetch with events that arrived while it was out, without doubles", async () => {
    const h = harness();
    h.write(5);
    h.follower.start();
    h.write(8);
    h.send(5, 8); // emitted after the server read 5, before the answer arrives
    h.write(5);
    await h.answer();
    h.paint();
    expect(h.values()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("after a reconnect fetches from the last offset, and ignores the replayed overlap", async () => {
    const h = harness();
    h.write(3);
    h.follower.start();
    await h.answer();
    h.paint();
    h.send(3, 4);
    h.paint();
    // The socket was down while 4..9 were written; it reconnects.
    h.write(10);
    h.reconnect();
    expect(await h.answer()).toBe(4 * LINE);
    h.send(8, 11); // the server's tail overlaps what the fetch returned
    h.paint();
    expect(h.values()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it("fetches the missing bytes when an event shows a gap", async () => {
    const h = harness();
    h.follower.start();
    await h.answer();
    h.write(6);
    h.send(4, 6); // 0..3 were never announced to us
    h.paint();
    expect(h.outstanding()).toBe(1);
    expect(await h.answer()).toBe(0);
    h.paint();
    expect(h.values()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("applies a burst of events in one frame", async () => {
    const h = harness();
    h.follower.start();
    await h.answer();
    const before = h.redraws();
    for (let i = 0; i < 100; i++) h.send(i, i + 1);
    expect(h.values()).toHaveLength(0);
    h.paint();
    expect(h.values()).toHaveLength(100);
    expect(h.redraws() - before).toBe(1);
  });

  it("asks again after a big answer, which may be short of the end of the file", async () => {
    const h = harness();
    h.write(110_000); // 1.1 MB at 10 bytes a reading
    h.follower.start();
    expect(await h.answer()).toBe(0);
    expect(h.outstanding()).toBe(1);
    expect(await h.answer()).toBe(110_000 * LINE);
  });

  it("opens a long job with one thinned answer, then follows its events from the end", async () => {
    const h = harness({ decimating: true });
    h.write(200_000); // 2 MB at 10 bytes a reading
    h.follower.start();
    expect(h.askedMaxPoints()).toBe(50_000);
    await h.answer();
    expect(h.outstanding()).toBe(0); // a decimated answer reached the end: nothing more to ask
    h.paint();
    expect(h.follower.series.thinned).toBe(true);
    expect(h.follower.series.count).toBe(50_000);
    h.write(200_002);
    h.send(200_000, 200_002);
    h.paint();
    expect(h.values().slice(-2)).toEqual([200_000, 200_001]);
    expect(h.outstanding()).toBe(0);
  });
});
