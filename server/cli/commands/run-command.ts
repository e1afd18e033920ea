import { CliError } from "../cli-error.js";
import { connect } from "../connect.js";
import { followRun } from "../follow-run.js";
import { readWorkflowFile } from "../read-workflow-file.js";

export interface RunCommandOptions {
  file: string;
  dataDir: string;
  json: boolean;
  detach: boolean;
  autoResume: boolean;
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
  const access = await connect(options.dataDir, { restore: true });
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

export function requireFile(file: string | undefined, usage: string): string {
  if (!file) throw new CliError(`usage: ${usage}`, 2);
  return file;
}
