import { existsSync } from "node:fs";
import { z } from "zod";
import { defineModule } from "../sdk/define-module.js";
import { port } from "../sdk/port.js";

const WaitParams = z.object({ path: z.string().min(1) });

/** Waits until a file appears in the workspace (an instrument's export, another program's result). */
export default defineModule({
  type: "jobs.WaitForFile",
  version: 1,
  label: "Wait for file",
  description: "Waits, as a job, until a file exists in the workspace; outputs its path.",
  inputs: {},
  outputs: { path: port.file("absolute path of the file") },
  params: z.object({
    path: z.string().min(1).describe("File to wait for, relative to the workspace"),
  }),
  job: {
    intervalMs: 1_000,
    async start(ctx) {
      return { path: ctx.workspace.resolve(ctx.params.path) };
    },
    handle(raw) {
      const { path } = WaitParams.parse(raw);
      return {
        async check() {
          return existsSync(path)
            ? { status: "finished" }
            : { status: "running", message: `waiting for ${path}` };
        },
        async cancel() {},
      };
    },
    setResults: (raw) => ({ path: WaitParams.parse(raw).path }),
  },
});
