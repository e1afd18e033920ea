import type { ModuleView, RunView } from "../../engine/engine.js";
import type { EngineEvent } from "../../engine/engine-events.js";
import { CliError } from "../cli-error.js";
import { connect } from "../connect.js";
import { formatValue, percent } from "../format.js";
import { readWorkflowFile } from "../read-workflow-file.js";

export interface RunCommandOptions {
  file: string;
  dataDir: string;
  json: boolean;
  detach: boolean;
  autoResume: boolean;
}

/**
 * `labflow run FILE`: runs a workflow headless and waits for it, jobs included (unless --detach,
 * which returns once only jobs remain: the run goes on under `labflow serve` or the next command).
 * Exit code 0 only when the run completed (or, detached, is suspended on its jobs).
 */
export async function runCommand(options: RunCommandOptions): Promise<number> {
  const document = readWorkflowFile(options.file);
  const access = await connect(options.dataDir);
  try {
    const { runId } = await access.startRun(document, { autoResume: options.autoResume });
    if (!options.json)
      console.log(
        `run ${runId} started (${access.where === "server" ? "on the server" : "in this process"})`,
      );
    const view = await access.waitForRun(runId, {
      untilSuspended: options.detach,
      onEvent: options.json ? undefined : progressPrinter(),
    });
    if (options.json) console.log(JSON.stringify(jsonResult(view)));
    else printSummary(view);
    const ok = view.status === "completed" || (options.detach && view.status === "suspended");
    return ok ? 0 : 1;
  } finally {
    await access.close();
  }
}

/** The `--json` result: `{ runId, status, modules: { id: { status, outputs?, error? } } }`. */
function jsonResult(view: RunView) {
  const modules: Record<string, Pick<ModuleView, "status" | "outputs" | "error">> = {};
  for (const [id, m] of Object.entries(view.modules)) {
    modules[id] = {
      status: m.status,
      ...(m.outputs ? { outputs: m.outputs } : {}),
      ...(m.error ? { error: m.error } : {}),
    };
  }
  return {
    runId: view.runId,
    status: view.status,
    ...(view.message ? { message: view.message } : {}),
    modules,
  };
}

/** One line per change of a module's state; repeated identical lines are left out. */
function progressPrinter(): (event: EngineEvent) => void {
  const last = new Map<string, string>();
  return (event) => {
    let key: string | undefined;
    let line: string | undefined;
    if (event.type === "module" && event.status !== "pending" && event.status !== "running") {
      const detail = event.error
        ? event.error.message
        : event.status === "suspended"
          ? percent(event.progress)
          : "";
      key = event.moduleId;
      line = `  ${event.moduleId.padEnd(16)} ${event.status.padEnd(9)} ${detail}`.trimEnd();
    } else if (event.type === "log") {
      console.log(`  ${(event.entry.moduleId ?? "").padEnd(16)} log: ${event.entry.message}`);
    }
    if (key === undefined || line === undefined || last.get(key) === line) return;
    last.set(key, line);
    console.log(line);
  };
}

function printSummary(view: RunView): void {
  console.log(`run ${view.runId} ${view.status}${view.message ? `: ${view.message}` : ""}`);
  for (const [id, m] of Object.entries(view.modules)) {
    const outputs = m.outputs
      ? Object.entries(m.outputs).map(([port, value]) => `${port}=${formatValue(value, 60)}`)
      : [];
    const detail = m.error ? `${m.error.message} [${m.error.code}]` : outputs.join(" ");
    console.log(`  ${id.padEnd(16)} ${m.status.padEnd(9)} ${detail}`.trimEnd());
  }
}

export function requireFile(file: string | undefined, usage: string): string {
  if (!file) throw new CliError(`usage: ${usage}`, 2);
  return file;
}
