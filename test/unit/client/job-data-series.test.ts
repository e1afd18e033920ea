import { describe, expect, it } from "vitest";
import { JobDataSeries, type ReadingsBatch } from "../../../client/instruments/job-data-series.js";
import { thinOlderPoints } from "../../../client/instruments/series-thinning.js";
import type { Reading } from "../../../server/schema/pipelines-api.js";

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

/** `count` readings at 10 Hz from 12:00:00Z with `value(i)`, as one batch after `from` readings. */
function readingsBatch(from: number, count: number, value: (i: number) => number): ReadingsBatch {
  const readings: Reading[] = [];
  for (let i = from; i < from + count; i++)
    readings.push({ t: new Date(Date.UTC(2026, 0, 1, 12) + i * 100).toISOString(), temperature: value(i) });
  return { offset: from * 10, nextOffset: (from + count) * 10, readings };
}

const secondsOf = (i: number) => (Date.UTC(2026, 0, 1, 12) + i * 100) / 1000;

describe("a long job's data series stays bounded", () => {
  it("holds at most maxPoints points however many readings arrive", () => {
    const s = new JobDataSeries(1_000);
    for (let from = 0; from < 20_000; from += 700) {
      s.apply(readingsBatch(from, 700, (i) => i % 13));
      expect(s.count).toBeLessThanOrEqual(1_000);
      expect(temperatures(s)).toHaveLength(s.count);
    }
    expect(s.thinned).toBe(true);
    expect(s.nextOffset).toBe(20_300 * 10);
  });

  it("keeps the newest half of maxPoints reading by reading, and the whole time span", () => {
    const s = new JobDataSeries(1_000);
    s.apply(readingsBatch(0, 5_000, (i) => i));
    expect(s.times.slice(-500)).toEqual(Array.from({ length: 500 }, (_, k) => secondsOf(4_500 + k)));
    expect(temperatures(s)?.slice(-500)).toEqual(Array.from({ length: 500 }, (_, k) => 4_500 + k));
    expect(s.times[0]).toBe(secondsOf(0));
    for (let i = 1; i < s.count; i++) expect(s.times[i]).toBeGreaterThanOrEqual(s.times[i - 1] as number);
  });

  it("keeps a single-reading spike and dip among thinned readings visible", () => {
    const s = new JobDataSeries(100);
    const value = (i: number) => (i === 1_234 ? 900 : i === 3_210 ? -40 : 20);
    for (let from = 0; from < 10_000; from += 1_000) s.apply(readingsBatch(from, 1_000, value));
    const values = temperatures(s) ?? [];
    expect(s.count).toBeLessThanOrEqual(100);
    expect(Math.max(...(values as number[]))).toBe(900);
    expect(Math.min(...(values as number[]))).toBe(-40);
  });

  it("says it is thinned when the server sent a decimated range, even if small", () => {
    const s = new JobDataSeries(1_000);
    s.apply({ ...readingsBatch(0, 10, () => 1), decimated: true });
    expect(s.count).toBe(10);
    expect(s.thinned).toBe(true);
  });

  it("refuses a bound too small to thin", () => {
    expect(() => new JobDataSeries(4)).toThrow(/maxPoints must be at least 16/);
  });
});

describe("min/max thinning of older points", () => {
  it("keeps each bucket's lowest and highest value in the order they came, at its first and last time", () => {
    // Two buckets of four points, then two points kept as they are.
    const times = [0, 1, 2, 3, 10, 11, 12, 13, 20, 21];
    const values = [5, 9, 1, 3, 2, 2, 8, 7, 4, 6];
    const thinned = thinOlderPoints(times, [values], 8, 2);
    expect(thinned.times).toEqual([0, 3, 10, 13, 20, 21]);
    expect(thinned.columns[0]).toEqual([9, 1, 2, 8, 4, 6]);
  });

  it("leaves a column null over a bucket where it has no value", () => {
    const thinned = thinOlderPoints([0, 1, 2, 3, 4, 5], [[null, null, null, 1, 2, 3]], 6, 2);
    expect(thinned.times).toEqual([0, 2, 3, 5]);
    expect(thinned.columns[0]).toEqual([null, null, 1, 3]);
  });
});
