import { CliError } from "../cli-error.js";
import { defineCommand } from "../command-spec.js";
import { connect } from "../connect.js";
import { DATA_OPTION, dataFolder } from "../data-folder-option.js";
import { followRun } from "../follow-run.js";
import { readWorkflowFile } from "../read-workflow-file.js";

/** How long `run` waits, by default, for the data folder's server to come back after it went away. */
export const DEFAULT_RECONNECT_TIMEOUT_S = 600;

export const runSpec = defineCommand({
  name: "run",
  summary: "run a workflow and wait for it; exit 0 only when it completed",
  details: [
    "Continues an interrupted run of the same file instead of starting a second one. Through",
    "labflow serve, a restart of the server is waited for (--reconnect-timeout) and the run followed on.",
  ].join("\n"),
  args: [{ name: "FILE" }],
  options: {
    json: { type: "boolean", description: "one JSON object at the end: { runId, status, modules }" },
    detach: { type: "boolean", description: "return once only jobs remain (exit 0 when suspended)" },
    "no-auto-resume": { type: "boolean", description: "finished jobs wait for labflow resume RUN" },
    rerun: {
      type: "string",
      value: "a,b|all",
      description: "start this unchanged work afresh (needs --reason)",
    },
    reason: { type: "string", value: "TEXT", description: "why --rerun starts the work afresh" },
    "reconnect-timeout": {
      type: "string",
      value: "SECONDS",
      description: `how long to wait for a restarted server (default ${DEFAULT_RECONNECT_TIMEOUT_S})`,
    },
    ...DATA_OPTION,
  },
  run: ({ values, args }) =>
    runCommand({
      file: args[0] as string,
      dataDir: dataFolder(values.data),
      json: values.json,
      detach: values.detach,
      autoResume: !values["no-auto-resume"],
      reconnectTimeoutMs: parseSeconds(values["reconnect-timeout"], DEFAULT_RECONNECT_TIMEOUT_S) * 1000,
      ...(values.rerun !== undefined ? { rerun: parseRerun(values.rerun, values.reason) } : {}),
    }),
});

export interface RunCommandOptions {
  file: string;
  dataDir: string;
  json: boolean;
  detach: boolean;
  autoResume: boolean;
  /** How long to wait for the data folder's server when it went away during the run. */
  reconnectTimeoutMs: number;
  /** Start these modules' unchanged work afresh, for this reason (never continues an earlier run). */
  rerun?: { modules: string[] | "all"; reason: string };
}

/**
 * `labflow run FILE`: runs a workflow headless and waits for it, jobs included (unless --detach,
 * which returns once only jobs remain: the run goes on under `labflow serve` or the next command).
 * Exit code 0 only when the run completed (or, detached, is suspended on its jobs).
 *
 * Without a server, this process first continues the data folder's unfinished runs, as `serve`
 * would on start; when one of them is a run of this same document (an earlier `labflow run` was
 * killed), it is followed to its end instead of a second run starting the same work again.
 */
export async function runCommand(options: RunCommandOptions): Promise<number> {
  const document = readWorkflowFile(options.file);
  const access = await connect(options.dataDir, {
    restore: true,
    reconnectTimeoutMs: options.reconnectTimeoutMs,
  });
  try {
    const interrupted = options.rerun ? undefined : await access.interruptedRunOf(document);
    let runId: string;
    if (interrupted) {
      runId = interrupted.runId;
      const line = `continuing run ${runId} (started ${interrupted.createdAt}) after an interruption`;
      // With --json, stdout stays one JSON object.
      if (options.json) console.error(`labflow: ${line}`);
      else console.log(line);
    } else {
      ({ runId } = await access.startRun(document, {
        autoResume: options.autoResume,
        ...(options.rerun ? { rerun: options.rerun } : {}),
      }));
      if (!options.json)
        console.log(
          `run ${runId} started (${access.where === "server" ? "on the server" : "in this process"})`,
        );
    }
    return await followRun(access, runId, { json: options.json, untilSuspended: options.detach });
  } finally {
    await access.close();
  }
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

function parseSeconds(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new CliError(`--reconnect-timeout: "${text}" is not a number of seconds`, 2);
  return seconds;
}
