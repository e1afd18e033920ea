import type { ServerMessage } from "../schema/messages.js";
import type { ModuleStateView, RunDetail } from "../schema/views.js";
import { formatValue, percent } from "./format.js";
import type { LabflowAccess } from "./labflow-access.js";

export interface FollowOptions {
  /** Print one JSON object at the end instead of progress lines and a summary. */
  json: boolean;
  /** Stop once only jobs remain (`run --detach`); otherwise wait for the run's end. */
  untilSuspended: boolean;
  /**
   * Deliver each finished job at once, even to a run with auto-resume off: the person asked for
   * the run to go on (`labflow resume RUN` in this process, which nobody else can reach meanwhile).
   */
  deliverFinishedJobs?: boolean;
}

/**
 * Follows a run to its end (or, with `untilSuspended`, until only jobs remain), printing its progress,
 * and returns the exit code: 0 only when it completed (or, detached, is suspended on its jobs).
 */
export async function followRun(
  access: LabflowAccess,
  runId: string,
  options: FollowOptions,
): Promise<number> {
  const print = options.json ? undefined : progressPrinter();
  const view = await access.waitForRun(runId, {
    untilSuspended: options.untilSuspended,
    onEvent: (event) => {
      print?.(event);
      if (options.deliverFinishedJobs && event.type === "run" && event.status === "suspended")
        // After this event has reached every listener: resuming emits run events of its own.
        setImmediate(() => void access.resumeRun(runId).catch(() => {}));
    },
  });
  if (options.json) console.log(JSON.stringify(jsonResult(view)));
  else printSummary(view);
  const ok = view.status === "completed" || (options.untilSuspended && view.status === "suspended");
  return ok ? 0 : 1;
}

/** The `--json` result: `{ runId, status, modules: { id: { status, outputs?, error? } } }`. */
function jsonResult(view: RunDetail) {
  const modules: Record<string, Pick<ModuleStateView, "status" | "outputs" | "error">> = {};
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
function progressPrinter(): (event: ServerMessage) => void {
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

function printSummary(view: RunDetail): void {
  console.log(`run ${view.runId} ${view.status}${view.message ? `: ${view.message}` : ""}`);
  for (const [id, m] of Object.entries(view.modules)) {
    const outputs = m.outputs
      ? Object.entries(m.outputs).map(([port, value]) => `${port}=${formatValue(value, 60)}`)
      : [];
    const detail = m.error ? `${m.error.message} [${m.error.code}]` : outputs.join(" ");
    console.log(`  ${id.padEnd(16)} ${m.status.padEnd(9)} ${detail}`.trimEnd());
  }
}
