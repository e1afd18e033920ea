/** Small helpers the benchmarks share. */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";

/** Polls `probe` every 20 ms until it is true; throws naming `what` after `timeoutMs`. */
export async function waitFor(
  probe: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** user+system CPU seconds of a process, from /proc (Linux). */
export function cpuSeconds(pid: number): number {
  const fields = (readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1] ?? "").split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The 1-minute load average, printed beside each figure: a figure taken on a busy machine says so. */
export function loadAverage(): string {
  return `load ${loadavg()[0]?.toFixed(2) ?? "?"}`;
}

/** The median of numbers (the middle one, or the mean of the two middle ones). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of nothing");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Runs `measure` `times` times (at least 3: one run is an anecdote) and gives the median of each
 * numeric field, and every run (for the spread).
 */
export async function medianOfRuns<T extends Record<string, number>>(
  times: number,
  measure: (round: number) => Promise<T> | T,
): Promise<{ median: T; runs: T[] }> {
  const runs: T[] = [];
  for (let round = 0; round < Math.max(3, times); round++) runs.push(await measure(round));
  const first = runs[0] as T;
  const result = {} as Record<string, number>;
  for (const key of Object.keys(first)) result[key] = median(runs.map((r) => r[key] as number));
  return { median: result as T, runs };
}
