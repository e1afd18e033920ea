import { describe, expect, it } from "vitest";
import { intervalChoice, intervalLabel, parseSeconds } from "../../../../client/jobs/check-intervals.js";
import { elapsed, formatDuration, relativeTime } from "../../../../client/jobs/format-time.js";

describe("check intervals", () => {
  it("names presets, off, the module default and custom values", () => {
    expect(intervalLabel(10_000)).toBe("10 s");
    expect(intervalLabel(3_600_000)).toBe("1 h");
    expect(intervalLabel("off")).toBe("Off");
    expect(intervalLabel(2_500)).toBe("2.5 s");
    expect(intervalChoice(60_000)).toBe("60000");
    expect(intervalChoice(2_500)).toBe("custom");
    expect(intervalChoice(null)).toBe("default");
    expect(intervalChoice("module-default")).toBe("module-default");
  });

  it("reads custom seconds within the server's bounds, saying what is wrong otherwise", () => {
    expect(parseSeconds("2.5")).toEqual({ ms: 2_500 });
    expect(parseSeconds("0.05")).toEqual({ error: "at least 0.1 s" });
    expect(parseSeconds("700000")).toEqual({ error: "at most 7 days (604800 s)" });
    expect(parseSeconds("soon")).toEqual({ error: "type a number of seconds" });
  });
});

describe("times in the monitor", () => {
  const now = Date.parse("2026-01-01T12:00:00Z");
  it("formats durations from tenths of a second to days", () => {
    expect(formatDuration(400)).toBe("0.4 s");
    expect(formatDuration(12_000)).toBe("12 s");
    expect(formatDuration(185_000)).toBe("3 min 05 s");
    expect(formatDuration(3_720_000)).toBe("1 h 02 min");
  });

  it("says how long ago a check was and how soon the next one is", () => {
    expect(relativeTime("2026-01-01T11:59:55Z", now)).toBe("5 s ago");
    expect(relativeTime("2026-01-01T12:00:03Z", now)).toBe("in 3 s");
    expect(relativeTime(undefined, now)).toBe("-");
  });

  it("measures elapsed time to the end, or to now while the job goes on", () => {
    expect(elapsed({ submittedAt: "2026-01-01T11:00:00Z", startedAt: "2026-01-01T11:59:00Z" }, now)).toBe(
      "1 min 00 s",
    );
    expect(elapsed({ submittedAt: "2026-01-01T11:00:00Z", finishedAt: "2026-01-01T11:00:30Z" }, now)).toBe(
      "30 s",
    );
  });
});
