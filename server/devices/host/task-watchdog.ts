/**
 * The watchdog of a running task: an instrument that went silent (no reading for 10 sampling
 * intervals, at least 5 s) or that runs far past the task's duration would otherwise hold its
 * channel, and the job waiting for it, forever.
 */
import { describeTarget } from "./component-registry.js";
import { readingsOf, type TaskRecord } from "./driver-host-tasks.js";

/** Starts the timers that fail the task; the caller clears them once the task's outcome is known. */
export function startWatchdog(record: TaskRecord, fail: (message: string) => void): NodeJS.Timeout[] {
  const { samplingMs, durationMs } = record.task;
  const where = describeTarget(record.target);
  const silence = Math.max(5000, 10 * samplingMs);
  const silent = setInterval(
    () => {
      const quiet = Date.now() - record.lastReadingAt;
      if (quiet > silence)
        fail(
          `${where} sent no reading for ${Math.round(quiet / 1000)} s; ${readingsOf(record)} readings kept`,
        );
    },
    Math.min(silence, 1000),
  );
  const overrun = setTimeout(
    () =>
      fail(`${where} did not finish within ${durationMs + silence} ms; ${readingsOf(record)} readings kept`),
    durationMs + silence,
  );
  return [silent, overrun];
}
