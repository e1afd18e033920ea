import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { defineModule, port, readFrom } from "../../modules/sdk/index.js";

/** A countdown as a job: it ends at a time written down at start, so a restart of the server does not reset it. */
export default defineModule({
  type: "example.Countdown",
  version: 2,
  label: "Countdown",
  description: "Counts down the given seconds as a job, then says so.",
  inputs: {},
  outputs: { message: port.string("what the countdown says at the end") },
  // A shape: strict by construction, so a misspelt param is refused instead of the default running.
  params: {
    seconds: z.number().min(0).max(3600).default(1).describe("How long, in seconds"),
    label: z.string().default("lift-off").describe("What is said at the end"),
  },
  // Version 1 called `seconds` `secs`: saved documents and runs are upgraded on load.
  upgrade: { 1: ({ secs, ...rest }) => ({ ...rest, seconds: secs }) },
  job: {
    intervalMs: 1_000,
    // Declared once: `start` returns it, the engine persists it, the other steps receive it parsed.
    state: z.object({ endsAt: z.number(), label: z.string() }),
    async start(ctx) {
      // Safe to call again with the same job id after a crash: the first start's end time is kept.
      const started = join(ctx.jobDir, "ends-at");
      if (!existsSync(started)) writeFileSync(started, String(Date.now() + ctx.params.seconds * 1000));
      const endsAt = Number(readFileSync(started, "utf8"));
      writeFileSync(join(ctx.jobDir, "log"), `counting down to ${new Date(endsAt).toISOString()}\n`);
      return { endsAt, label: ctx.params.label };
    },
    // Rebuilt from the state alone, in whatever server process checks the job.
    handle({ endsAt }, { jobDir }) {
      return {
        async check() {
          const left = endsAt - Date.now();
          return left <= 0
            ? { status: "finished" }
            : { status: "running", message: `${Math.ceil(left / 1000)} s left`, nextCheckMs: left };
        },
        async stdout(offset) {
          return readFrom(join(jobDir, "log"), offset);
        },
        async cancel() {},
      };
    },
    async finish({ endsAt }, { jobDir }) {
      writeFileSync(join(jobDir, "log"), `ended ${Date.now() - endsAt} ms late\n`, { flag: "a" });
    },
    setResults: ({ label }) => ({ message: `${label}!` }),
  },
});
