/**
 * A job's readings in columns, as a plot draws them, joined from the data route and `job.data`
 * events by byte offset of the job's data file: a batch that ends before what we have is a
 * duplicate (skipped), one that starts after it is a gap (the caller fetches the missing bytes), and
 * one that overlaps is trimmed to the readings after our last timestamp (timestamps are monotonic).
 * So nothing is doubled or lost across a reconnect.
 *
 * The series is bounded: past `maxPoints` points, the older part is thinned by min/max binning
 * (series-thinning.ts) and the newest `maxPoints / 2` points stay whole, so a week-long job costs
 * the same memory and drawing time as a short one and its peaks stay visible. Framework-free;
 * unit-tested in Node.
 */

import type { Reading } from "../../server/schema/pipelines-api.js";
import { type Column, thinOlderPoints } from "./series-thinning.js";

/** Enough for any screen's width many times over; uPlot draws this many in a few milliseconds. */
export const DEFAULT_MAX_POINTS = 100_000;

/** A run of readings covering bytes `offset` to `nextOffset` of the data file. */
export interface ReadingsBatch {
  offset: number;
  nextOffset: number;
  readings: readonly Reading[];
  units?: Record<string, string>;
  /** The server sent evenly spaced readings of the range, not all of them. */
  decimated?: boolean;
}

export type BatchOutcome = "applied" | "duplicate" | "gap";

export class JobDataSeries {
  /** Point times in seconds since the epoch (UTC), uPlot's time unit. Replaced when thinned. */
  times: number[] = [];
  /** One column per numeric quantity, aligned with `times` (null where a reading lacks it). */
  readonly columns = new Map<string, Column>();
  /** Numeric quantities in first-seen order. */
  readonly quantities: string[] = [];
  units: Record<string, string> = {};
  /** Bytes of the data file taken in: ask the server from here. */
  nextOffset = 0;
  /** Changes when a quantity or a unit appears: a plot then rebuilds its series and axes. */
  shape = 0;
  /** True once some readings are not held one by one: the server or this series thinned them. */
  thinned = false;

  /** @param maxPoints the most points held; the older half is thinned beyond it (at least 16). */
  constructor(readonly maxPoints = DEFAULT_MAX_POINTS) {
    if (!(maxPoints >= 16)) throw new RangeError(`maxPoints must be at least 16, not ${maxPoints}`);
  }

  /** Points held (each a reading, unless `thinned`). */
  get count(): number {
    return this.times.length;
  }

  /** The last reading's time (seconds), or undefined before any reading. */
  get lastTime(): number | undefined {
    return this.times[this.times.length - 1];
  }

  /** Applies a batch; `batch.decimated` says the server sent only some of its readings. */
  apply(batch: ReadingsBatch): BatchOutcome {
    if (batch.units) this.mergeUnits(batch.units);
    if (batch.nextOffset <= this.nextOffset) return "duplicate";
    if (batch.offset > this.nextOffset) return "gap";
    const overlaps = batch.offset < this.nextOffset;
    const after = this.lastTime ?? Number.NEGATIVE_INFINITY;
    for (const reading of batch.readings) {
      const seconds = Date.parse(reading.t) / 1000;
      if (Number.isNaN(seconds)) continue;
      if (overlaps && seconds <= after) continue;
      this.push(seconds, reading);
    }
    this.nextOffset = batch.nextOffset;
    if (batch.decimated) this.thinned = true;
    if (this.times.length > this.maxPoints) this.thin();
    return "applied";
  }

  /**
   * Keeps the newest half of `maxPoints` whole and thins everything before it to a quarter of
   * `maxPoints` (min and max per bucket): the next thinning is a quarter of `maxPoints` away, so
   * the cost per reading stays constant.
   */
  private thin(): void {
    const older = this.times.length - Math.floor(this.maxPoints / 2);
    const buckets = Math.floor(this.maxPoints / 8);
    const thinned = thinOlderPoints(this.times, [...this.columns.values()], older, buckets);
    this.times = thinned.times;
    [...this.columns.keys()].forEach((quantity, i) => {
      this.columns.set(quantity, thinned.columns[i] as Column);
    });
    this.thinned = true;
  }

  private push(seconds: number, reading: Reading): void {
    const index = this.times.length;
    this.times.push(seconds);
    for (const key in reading) {
      const value = reading[key];
      if (key === "t" || typeof value !== "number" || !Number.isFinite(value)) continue;
      let column = this.columns.get(key);
      if (!column) {
        column = new Array<number | null>(index).fill(null);
        this.columns.set(key, column);
        this.quantities.push(key);
        this.shape++;
      }
      column.push(value);
    }
    for (const column of this.columns.values()) if (column.length === index) column.push(null);
  }

  private mergeUnits(units: Record<string, string>): void {
    for (const [quantity, unit] of Object.entries(units)) {
      if (this.units[quantity] === unit) continue;
      this.units = { ...this.units, [quantity]: unit };
      this.shape++;
    }
  }
}
