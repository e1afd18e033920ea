import { mkdirSync } from "node:fs";
import { z } from "zod";
import { jobEnvironment } from "../sdk/clean-environment.js";
import { defineModule } from "../sdk/define-module.js";
import { readFrom } from "../sdk/log-chunk.js";
import { ModuleError } from "../sdk/module-error.js";
import { port } from "../sdk/port.js";
import { isProcessAlive } from "../sdk/process-alive.js";
import { jobFiles, killProcessGroup, launchOnce, readExitCode } from "./_detached-process.js";

/**
 * Runs a command as a job: detached, in its own process group, its output in files; it outlives the
 * server. A non-zero exit fails the job with the exit code; cancel stops the whole process group.
 */
export default defineModule({
  type: "jobs.Command",
  version: 1,
  label: "Command",
  description:
    "Runs a program or shell command as a job that survives a server restart; non-zero exit fails it.",
  inputs: {
    input: port.any("a value for the command, as JSON in the environment variable LABFLOW_INPUT", {
      optional: true,
    }),
  },
  outputs: {
    exitCode: port.number("the exit code (0)"),
    stdout: port.file("file holding the standard output"),
    stderr: port.file("file holding the standard error"),
  },
  params: {
    command: z
      .union([z.string().min(1), z.array(z.string()).min(1)])
      .describe("A shell command line, or an argv array run without a shell"),
    cwd: z.string().default(".").describe("Working folder, relative to the workspace"),
    env: z
      .record(z.string(), z.string())
      .default({})
      .describe(
        "Environment variables for the command; of the server's own it gets only PATH, HOME, USER, LANG, LC_*, TZ and a few more (docs/security.md)",
      ),
  },
  job: {
    intervalMs: 1_000,
    state: z.object({ pid: z.number().int().positive(), jobDir: z.string().min(1) }),
    async start(ctx) {
      const cwd = ctx.workspace.resolveForWrite(ctx.params.cwd);
      mkdirSync(cwd, { recursive: true });
      const argv =
        typeof ctx.params.command === "string" ? ["/bin/sh", "-c", ctx.params.command] : ctx.params.command;
      // Never the server's whole environment: its secrets stay with it (modules/sdk/clean-environment.ts).
      const env = jobEnvironment(process.env, ctx.params.env);
      Object.assign(env, { LABFLOW_JOB_ID: ctx.jobId, LABFLOW_RUN_ID: ctx.runId });
      if (ctx.inputs.input !== undefined) env.LABFLOW_INPUT = JSON.stringify(ctx.inputs.input);
      try {
        const pid = await launchOnce({ argv, cwd, env, jobDir: ctx.jobDir });
        return { pid, jobDir: ctx.jobDir };
      } catch (error) {
        throw new ModuleError(
          "command_not_started",
          `the command could not start: ${(error as Error).message}`,
        );
      }
    },
    handle({ pid, jobDir }) {
      const files = jobFiles(jobDir);
      return {
        async check() {
          const code = readExitCode(jobDir) ?? (isProcessAlive(pid) ? undefined : readExitCode(jobDir));
          if (code === 0) return { status: "finished", message: "exit code 0" };
          if (code !== undefined) {
            const lastError = readFrom(files.stderr, 0).text.trim().split("\n").pop() ?? "";
            return {
              status: "failed",
              message: `exited with code ${code}${lastError ? `: ${lastError}` : ""}`,
            };
          }
          if (isProcessAlive(pid)) return { status: "running", message: `pid ${pid}` };
          return { status: "failed", message: `process ${pid} ended without an exit status (killed?)` };
        },
        async stdout(offset) {
          return readFrom(files.stdout, offset);
        },
        async stderr(offset) {
          return readFrom(files.stderr, offset);
        },
        async cancel() {
          await killProcessGroup(pid);
        },
      };
    },
    setResults({ jobDir }) {
      const files = jobFiles(jobDir);
      return { exitCode: readExitCode(jobDir) ?? 0, stdout: files.stdout, stderr: files.stderr };
    },
  },
});
