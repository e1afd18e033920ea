import { describe, expect, it } from "vitest";
import type { Reading } from "../../../client/instruments/instrument-types.js";
import { JobDataSeries, type ReadingsBatch } from "../../../client/instruments/job-data-series.js";

/** Readings at 10 Hz from 12:00:00Z: `from` and `to` are reading numbers; each line is 10 bytes. */
function batch(from: number, to: number): ReadingsBatch {
  const readings: Reading[] = [];
  for (let i = from; i < to; i++)
    readings.push({ t: new Date(Date.UTC(2026, 0, 1, 12) + i * 100).toISOString(), temperature: i });
  return { offset: from * 10, nextOffset: to * 10, readings, units: { temperature: "°C" } };
}

const temperatures = (s: JobDataSeries) => s.columns.get("temperature");

describe("a job's data series joined by byte offset", () => {
  it("appends contiguous batches in order, with UTC seconds and units", () => {
    const s = new JobDataSeries();
    expect(s.apply(batch(0, 3))).toBe("applied");
    expect(s.apply(batch(3, 5))).toBe("applied");
    expect(temperatures(s)).toEqual([0, 1, 2, 3, 4]);
    expect(s.times[1]).toBe(Date.UTC(2026, 0, 1, 12) / 1000 + 0.1);
    expect(s.units).toEqual({ temperature: "°C" });
    expect(s.nextOffset).toBe(50);
  });

  it("skips a batch it already has (an event repeated after a fetch)", () => {
    const s = new JobDataSeries();
    s.apply(batch(0, 5));
    expect(s.apply(batch(2, 5))).toBe("duplicate");
    expect(s.count).toBe(5);
  });

  it("reports a gap instead of applying a batch that starts after what it has", () => {
    const s = new JobDataSeries();
    s.apply(batch(0, 2));
    expect(s.apply(batch(4, 6))).toBe("gap");
    expect(temperatures(s)).toEqual([0, 1]);
    expect(s.apply(batch(2, 6))).toBe("applied");
    expect(temperatures(s)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("takes only the new readings of a batch that overlaps what it has", () => {
    const s = new JobDataSeries();
    s.apply(batch(0, 4));
    expect(s.apply(batch(2, 7))).toBe("applied");
    expect(temperatures(s)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it("keeps columns aligned when a quantity appears later or a value is not a number", () => {
    const s = new JobDataSeries();
    const shape = s.shape;
    s.apply({ offset: 0, nextOffset: 10, readings: [{ t: "2026-01-01T00:00:00.000Z", a: 1, note: "x" }] });
    s.apply({ offset: 10, nextOffset: 20, readings: [{ t: "2026-01-01T00:00:01.000Z", a: 2, b: 5 }] });
    s.apply({ offset: 20, nextOffset: 30, readings: [{ t: "2026-01-01T00:00:02.000Z", b: 6 }] });
    expect(s.quantities).toEqual(["a", "b"]);
    expect(s.columns.get("a")).toEqual([1, 2, null]);
    expect(s.columns.get("b")).toEqual([null, 5, 6]);
    expect(s.shape).toBeGreaterThan(shape);
  });
});
