import { existsSync } from "node:fs";
import { z } from "zod";
import { defineModule } from "../sdk/define-module.js";
import { port } from "../sdk/port.js";

/** Waits until a file appears in the workspace (an instrument's export, another program's result). */
export default defineModule({
  type: "jobs.WaitForFile",
  version: 1,
  label: "Wait for file",
  description: "Waits, as a job, until a file exists in the workspace; outputs its path.",
  inputs: {},
  outputs: { path: port.file("absolute path of the file") },
  params: {
    path: z.string().min(1).describe("File to wait for, relative to the workspace"),
  },
  job: {
    intervalMs: 1_000,
    state: z.object({ path: z.string().min(1) }),
    async start(ctx) {
      return { path: ctx.workspace.resolve(ctx.params.path) };
    },
    handle({ path }) {
      return {
        async check() {
          return existsSync(path)
            ? { status: "finished" }
            : { status: "running", message: `waiting for ${path}` };
        },
        async cancel() {},
      };
    },
    setResults: ({ path }) => ({ path }),
  },
});
