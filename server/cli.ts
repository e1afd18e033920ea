/**
 * The `labflow` command: serve, run, validate, and the job commands (jobs, status, cancel, check,
 * pause, resume, logs). `--data DIR` (or LABFLOW_DATA) picks the data folder, default ./.labflow.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { CliError } from "./cli/cli-error.js";
import { instrumentCommand } from "./cli/commands/instrument-commands.js";
import {
  cancelCommand,
  checkCommand,
  jobsCommand,
  logsCommand,
  pauseCommand,
  resumeCommand,
  statusCommand,
} from "./cli/commands/job-commands.js";
import { requireFile, runCommand } from "./cli/commands/run-command.js";
import { serveCommand } from "./cli/commands/serve-command.js";
import { validateCommand } from "./cli/commands/validate-command.js";
import { ServerError } from "./cli/remote-access.js";
import { resolveServeToken } from "./cli/serve-token.js";
import { simulateInstrumentCommand } from "./cli/simulate-instrument.js";
import { EngineError } from "./engine/engine-error.js";
import type { GlobalCheckInterval } from "./jobs/check-interval.js";
import { MAX_INTERVAL_MS, MIN_INTERVAL_MS } from "./schema/api.js";
import { formatProblem, type Problem } from "./schema/problem.js";
import { PRIVATE_UMASK } from "./store/private-files.js";
import { StoreError, type StoreErrorCode } from "./store/store-error.js";

const USAGE = `usage: labflow <command> [options]

commands:
  serve                     start the editor and API; prints http://127.0.0.1:8080/?token=...
  run FILE                  run a workflow and wait for it (--json, --detach, --no-auto-resume);
                            continues an interrupted run of the same file instead of a second one;
                            --rerun a,b|all --reason TEXT starts that unchanged work afresh
  validate FILE             check a workflow document (instrument params too, with a devices file)
  status [RUN]              list runs, or show one run
  jobs                      list jobs (--run RUN, --json)
  check [JOB]               check one job, or all active jobs, now
  pause JOB                 pause checking a job
  resume JOB|RUN            resume checking a job, or continue a run (no server: to its end, here)
  cancel JOB|RUN            cancel a job (its real work stops) or a whole run
  logs JOB                  print a job's stdout (--stderr, --follow)
  pipeline status|load|eject|ready   samples and ready flags of pipelines (see docs/instruments.md)
  snapshot JOB              an instrument job's data so far, as CSV with units (--json, --out FILE)
  device set DEVICE ATTRIBUTE VALUE   set a device attribute (--channel CH, --force while a job uses it)
  simulate-instrument       a simulated instrument on a serial port (--port PATH [--name NAME])

options:
  --data DIR                data folder (default $LABFLOW_DATA or ./.labflow)
  --host HOST --port PORT   where serve listens (default 127.0.0.1:8080)
  --token-file FILE         serve's token, from a file only you can read (or $LABFLOW_TOKEN;
                            default a new random token at each start, as Jupyter does)
  --allowed-hosts A,B       more Host names serve answers to (a proxy's, the machine's DNS name)
  --workspace DIR           folder file modules may use (default DATA/workspace)
  --check-interval MS|off   global job check interval for serve
  --devices FILE            instruments and pipelines for serve (default DATA/devices.json|yaml)`;

async function main(argv: string[]): Promise<number> {
  if (argv[0] === "simulate-instrument") return simulateInstrumentCommand(argv.slice(1));
  if (argv[0] === "pipeline" || argv[0] === "snapshot" || argv[0] === "device")
    return instrumentCommand(argv);
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      data: { type: "string" },
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "8080" },
      token: { type: "string" },
      "token-file": { type: "string" },
      "allowed-hosts": { type: "string" },
      workspace: { type: "string" },
      "check-interval": { type: "string" },
      devices: { type: "string" },
      json: { type: "boolean", default: false },
      detach: { type: "boolean", default: false },
      "no-auto-resume": { type: "boolean", default: false },
      rerun: { type: "string" },
      reason: { type: "string" },
      run: { type: "string" },
      stderr: { type: "boolean", default: false },
      follow: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const [command, arg] = positionals;
  const dataDir = resolve(values.data ?? process.env.LABFLOW_DATA ?? ".labflow");
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  switch (command) {
    case "serve": {
      const { token } = resolveServeToken({
        argument: values.token,
        tokenFile: values["token-file"],
        env: process.env.LABFLOW_TOKEN,
      });
      // Read once: the server's children (driver hosts) need not inherit it.
      delete process.env.LABFLOW_TOKEN;
      return serveCommand({
        dataDir,
        host: values.host,
        port: parsePort(values.port),
        token,
        allowedHosts: values["allowed-hosts"]?.split(","),
        workspaceDir: values.workspace,
        checkInterval: parseInterval(values["check-interval"]),
        devicesFile: values.devices,
      });
    }
    case "run":
      return runCommand({
        file: requireFile(arg, "labflow run FILE"),
        dataDir,
        json: values.json,
        detach: values.detach,
        autoResume: !values["no-auto-resume"],
        ...(values.rerun !== undefined ? { rerun: parseRerun(values.rerun, values.reason) } : {}),
      });
    case "validate":
      return validateCommand(requireFile(arg, "labflow validate FILE"), dataDir, values.devices);
    case "status":
      return statusCommand(dataDir, arg, values.json);
    case "jobs":
      return jobsCommand(dataDir, { runId: values.run, json: values.json });
    case "check":
      return checkCommand(dataDir, arg);
    case "pause":
      return pauseCommand(dataDir, requireFile(arg, "labflow pause JOB"));
    case "resume":
      return resumeCommand(dataDir, requireFile(arg, "labflow resume JOB|RUN"));
    case "cancel":
      return cancelCommand(dataDir, requireFile(arg, "labflow cancel JOB|RUN"));
    case "logs":
      return logsCommand(dataDir, requireFile(arg, "labflow logs JOB"), {
        stderr: values.stderr,
        follow: values.follow,
      });
    default:
      throw new CliError(`unknown command "${command}"\n\n${USAGE}`, 2);
  }
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError(`--port: "${text}" is not a port number`, 2);
  return port;
}

/** `--rerun a,b|all --reason TEXT`: a fresh start of unchanged work is a choice with a reason. */
function parseRerun(
  modules: string,
  reason: string | undefined,
): { modules: string[] | "all"; reason: string } {
  const ids = modules
    .split(",")
    .map((id) => id.trim())
    .filter(Boolean);
  if (ids.length === 0) throw new CliError("--rerun: name the modules to start afresh (a,b) or all", 2);
  if (!reason?.trim()) throw new CliError('--rerun needs --reason "why the work starts afresh"', 2);
  return { modules: ids.length === 1 && ids[0] === "all" ? "all" : ids, reason: reason.trim() };
}

function parseInterval(text: string | undefined): GlobalCheckInterval | undefined {
  if (text === undefined) return undefined;
  if (text === "off" || text === "module-default") return text;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < MIN_INTERVAL_MS || ms > MAX_INTERVAL_MS)
    throw new CliError(
      `--check-interval: give whole milliseconds from ${MIN_INTERVAL_MS} to ${MAX_INTERVAL_MS} (7 days), or "off"`,
      2,
    );
  return ms;
}

/** Store errors a person can act on (the data folder is held, unusable, or from a newer labflow); the rest are bugs. */
const EXPECTED_STORE_ERRORS = new Set<StoreErrorCode>([
  "data_folder_in_use",
  "data_folder_unusable",
  "store_schema_too_new",
]);

function report(error: unknown): number {
  if (error instanceof EngineError || error instanceof ServerError) {
    const problems = (
      error instanceof EngineError ? error.problems : (error.body.problems ?? [])
    ) as Problem[];
    console.error(`labflow: ${error.message}`);
    for (const problem of problems) console.error(`  ${formatProblem(problem)}`);
    return 1;
  }
  if (error instanceof StoreError && EXPECTED_STORE_ERRORS.has(error.code)) {
    console.error(`labflow: ${error.message}`);
    return 1;
  }
  if (error instanceof CliError) {
    console.error(`labflow: ${error.message}`);
    return error.exitCode;
  }
  if (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS")) {
    console.error(`labflow: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  console.error("labflow: unexpected error:", error);
  return 1;
}

// Everything labflow creates (data folder, database, job files, logs) is for this user only.
process.umask(PRIVATE_UMASK);
// A reader that stops early (`labflow snapshot JOB | head`) closes the pipe: end quietly (exit 0),
// as Unix tools do, instead of a stack trace of EPIPE.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});
// Until a command says otherwise, ending is a failure: a promise left pending must never exit 0.
process.exitCode = 1;
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.exitCode = report(error);
  },
);
