/**
 * Min/max thinning of a plot's older points: the time span is cut into equal buckets and each bucket
 * keeps, per column, its lowest and its highest value (in the order they came), at the bucket's
 * first and last time. A plot of the result looks like a plot of everything at screen resolution:
 * a spike of one reading among a million still shows. Framework-free; unit-tested in Node.
 */

export type Column = (number | null)[];

export interface ThinnedPoints {
  times: number[];
  columns: Column[];
}

/**
 * Thins points `0..end` of `times` and `columns` (aligned with `times`) to at most `2 * buckets`
 * points and keeps the points from `end` on as they are. `times` must not decrease.
 */
export function thinOlderPoints(
  times: readonly number[],
  columns: readonly Column[],
  end: number,
  buckets: number,
): ThinnedPoints {
  const out: ThinnedPoints = { times: [], columns: columns.map(() => []) };
  const first = times[0];
  const last = times[end - 1];
  if (first === undefined || last === undefined || end <= 2 * buckets) return copyAll(times, columns);
  const width = (last - first) / buckets;
  const bucketOf = (i: number) =>
    width > 0 ? Math.min(buckets - 1, Math.floor(((times[i] ?? first) - first) / width)) : 0;
  let start = 0;
  while (start < end) {
    const bucket = bucketOf(start);
    let stop = start + 1;
    while (stop < end && bucketOf(stop) === bucket) stop++;
    if (stop - start <= 2) copyRange(times, columns, start, stop, out);
    else keepExtremes(times, columns, start, stop, out);
    start = stop;
  }
  copyRange(times, columns, end, times.length, out);
  return out;
}

/** Adds points `start..stop` as two: each column's min and max, in the order they occurred. */
function keepExtremes(
  times: readonly number[],
  columns: readonly Column[],
  start: number,
  stop: number,
  out: ThinnedPoints,
): void {
  out.times.push(times[start] as number, times[stop - 1] as number);
  columns.forEach((column, c) => {
    let low = -1;
    let high = -1;
    for (let i = start; i < stop; i++) {
      const value = column[i];
      if (value === null || value === undefined) continue;
      if (low < 0 || value < (column[low] as number)) low = i;
      if (high < 0 || value > (column[high] as number)) high = i;
    }
    const target = out.columns[c] as Column;
    if (low < 0) target.push(null, null);
    else if (low <= high) target.push(column[low] as number, column[high] as number);
    else target.push(column[high] as number, column[low] as number);
  });
}

function copyRange(
  times: readonly number[],
  columns: readonly Column[],
  start: number,
  stop: number,
  out: ThinnedPoints,
): void {
  for (let i = start; i < stop; i++) out.times.push(times[i] as number);
  columns.forEach((column, c) => {
    const target = out.columns[c] as Column;
    for (let i = start; i < stop; i++) target.push(column[i] ?? null);
  });
}

function copyAll(times: readonly number[], columns: readonly Column[]): ThinnedPoints {
  return { times: [...times], columns: columns.map((column) => [...column]) };
}
