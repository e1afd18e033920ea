/**
 * A job's readings in columns, as a plot draws them, joined from the data route and `job.data`
 * events by byte offset of the job's data file: a batch that ends before what we have is a
 * duplicate (skipped), one that starts after it is a gap (the caller fetches the missing bytes), and
 * one that overlaps is trimmed to the readings after our last timestamp (timestamps are monotonic).
 * So nothing is doubled or lost across a reconnect. Framework-free; unit-tested in Node.
 */
import type { Reading } from "./instrument-types.js";

/** A run of readings covering bytes `offset` to `nextOffset` of the data file. */
export interface ReadingsBatch {
  offset: number;
  nextOffset: number;
  readings: readonly Reading[];
  units?: Record<string, string>;
}

export type BatchOutcome = "applied" | "duplicate" | "gap";

export class JobDataSeries {
  /** Reading times in seconds since the epoch (UTC), uPlot's time unit. */
  readonly times: number[] = [];
  /** One column per numeric quantity, aligned with `times` (null where a reading lacks it). */
  readonly columns = new Map<string, (number | null)[]>();
  /** Numeric quantities in first-seen order. */
  readonly quantities: string[] = [];
  units: Record<string, string> = {};
  /** Bytes of the data file taken in: ask the server from here. */
  nextOffset = 0;
  /** Changes when a quantity or a unit appears: a plot then rebuilds its series and axes. */
  shape = 0;

  get count(): number {
    return this.times.length;
  }

  /** The last reading's time (seconds), or undefined before any reading. */
  get lastTime(): number | undefined {
    return this.times[this.times.length - 1];
  }

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
    return "applied";
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
