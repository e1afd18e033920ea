import { describe, expect, it } from "vitest";
import { summariseTrace } from "../../bench/trace-summary.js";

const main = { pid: 1, tid: 7 };
const task = (name: string, ts: number, dur: number, on = main) => ({
  name,
  ph: "X",
  ts,
  dur,
  tdur: dur,
  ...on,
});

describe("trace summary", () => {
  it("gives each group the main thread's self time, nested events taken out of their parents", () => {
    const summary = summariseTrace([
      { name: "thread_name", ph: "M", ts: 0, ...main, args: { name: "CrRendererMain" } },
      task("RunTask", 0, 10_000),
      task("FunctionCall", 1_000, 4_000),
      task("Layout", 2_000, 1_000),
      task("Paint", 6_000, 2_000),
      task("RasterTask", 0, 5_000, { pid: 1, tid: 9 }),
    ]);
    // Over 10 ms: script 3 ms, layout 1, paint 2, the rest of the task 4: per second, x100.
    expect(summary.mainMsPerSecond).toEqual({
      script: 300,
      layout: 100,
      "paint+composite": 200,
      "other (in tasks)": 400,
    });
    expect(summary.rasterMsPerSecond).toBe(500);
    expect(summary.mainWallMsPerSecond).toBe(1000);
  });
});
