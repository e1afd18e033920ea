import { z } from "zod";
import { defineModule } from "../sdk/define-module.js";
import { port } from "../sdk/port.js";

/** The longest a waiting timer goes unchecked (a check that changes nothing costs nothing). */
const CHECK_AT_LEAST_EVERY_MS = 3600_000;

/** VisTrails' TimedJob: a wait that is a job, so it survives a restart of the server. */
export default defineModule({
  type: "jobs.Timer",
  version: 1,
  label: "Timer",
  description: "Waits the given number of seconds as a job; a restart of the server does not reset it.",
  inputs: {},
  outputs: { finished: port.boolean("true once the time has passed") },
  params: {
    seconds: z
      .number()
      .min(0)
      .max(366 * 24 * 3600)
      .default(5)
      .describe("How long to wait, in seconds"),
  },
  job: {
    intervalMs: 1_000,
    state: z.object({ startedAt: z.number(), seconds: z.number().min(0) }),
    async start(ctx) {
      return { startedAt: Date.now(), seconds: ctx.params.seconds };
    },
    handle({ startedAt, seconds }) {
      const durationMs = seconds * 1000;
      // A fixed message: a long wait is read by its end time, and the monitor is told only of changes.
      const message = `ends at ${new Date(startedAt + durationMs).toISOString().replace("T", " ").slice(0, 19)} UTC`;
      return {
        async check() {
          const elapsed = Date.now() - startedAt;
          if (elapsed >= durationMs) return { status: "finished" };
          // Progress is a function of time: the monitor shows it moving from the clock, so nothing
          // changes before the end and the timer is not checked again until then.
          return {
            status: "running",
            progress: elapsed / durationMs,
            progressClock: { startedAt, endsAt: startedAt + durationMs },
            message,
            // At its end, or within the hour: timers of the process run on a monotonic clock that
            // stops while the machine sleeps, so a machine that slept is late by an hour at most.
            nextCheckMs: Math.min(Math.ceil(durationMs - elapsed), CHECK_AT_LEAST_EVERY_MS),
          };
        },
        // Nothing runs outside: cancelling a timer only stops waiting for it.
        async cancel() {},
      };
    },
    setResults: () => ({ finished: true }),
  },
});
