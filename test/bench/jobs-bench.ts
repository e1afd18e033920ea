/**
 * 10,000 suspended jobs.Timer: submit time, then restart to all monitored and the CPU they cost
 * while they wait, both in a process of its own (jobs-idle-process.ts): the CPU of this process
 * would count the garbage of the benches before it.
 *
 * CPU: after a warm-up, `windows` windows of `windowSeconds` each, read from /proc/<pid>/stat; the
 * median is the figure. The warm-up covers what follows a restart once: the first check of every
 * job (1 s after), and V8's memory reducer compacting the restart's garbage once the process went
 * idle (some 30-40 s after). Restart: three processes opened on the same data folder, the median of
 * the wall time and of the CPU time the restart took (judge by CPU when the machine is busy).
 */
import { type ChildProcess, fork } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openRuntime } from "../../server/labflow-runtime.js";
import type { WorkflowDocumentInput } from "../../server/schema/workflow-document.js";
import { cpuSeconds, loadAverage, median, waitFor } from "./bench-helpers.js";

const IDLE_PROCESS = fileURLToPath(new URL("./jobs-idle-process.ts", import.meta.url));
const WARM_UP_MS = 45_000;
const RESTARTS = 3;

export interface JobsBenchResult {
  submitMs: number;
  /** Median CPU of the waiting process, % of one core, and each window's figure with its load. */
  monitorCpuPercent: number;
  windows: { cpuPercent: number; load: string }[];
  windowSeconds: number;
  restartToMonitoredMs: number;
  restartCpuMs: number;
  restarts: { wallMs: number; cpuMs: number }[];
}

export async function jobsBench(
  dataRoot: string,
  n = 10_000,
  windowSeconds = 10,
  windows = 3,
): Promise<JobsBenchResult> {
  const dataDir = join(dataRoot, "jobs");
  const modules: WorkflowDocumentInput["modules"] = [];
  for (let i = 0; i < n; i++)
    modules.push({ id: `t${i}`, type: "jobs.Timer", params: { seconds: 3600 + i } });
  const document: WorkflowDocumentInput = { version: 1, name: "timers", modules, connections: [] };

  const runtime = await openRuntime({ dataDir, globalInterval: 1_000, maxConcurrency: 64 });
  const started = performance.now();
  const { runId } = runtime.engine.startRun(document);
  await waitFor(() => runtime.engine.getRun(runId).status === "suspended", "all timers to suspend", 120_000);
  const submitMs = performance.now() - started;
  runtime.close();

  const restarts: { wallMs: number; cpuMs: number }[] = [];
  const measured: { cpuPercent: number; load: string }[] = [];
  for (let round = 0; round < RESTARTS; round++) {
    const child = fork(IDLE_PROCESS, [dataDir, String(n)], { execArgv: ["--import", "tsx"] });
    try {
      const answer = await firstMessage<{ restartToMonitoredMs: number; restartCpuMs: number }>(child);
      restarts.push({ wallMs: answer.restartToMonitoredMs, cpuMs: answer.restartCpuMs });
      if (round === 0) {
        await sleep(WARM_UP_MS);
        for (let w = 0; w < windows; w++) measured.push(await cpuWindow(child.pid as number, windowSeconds));
      }
    } finally {
      await stop(child);
    }
  }
  return {
    submitMs,
    monitorCpuPercent: median(measured.map((m) => m.cpuPercent)),
    windows: measured,
    windowSeconds,
    restartToMonitoredMs: median(restarts.map((r) => r.wallMs)),
    restartCpuMs: median(restarts.map((r) => r.cpuMs)),
    restarts,
  };
}

async function cpuWindow(pid: number, seconds: number): Promise<{ cpuPercent: number; load: string }> {
  const cpuBefore = cpuSeconds(pid);
  const wallBefore = performance.now();
  await sleep(seconds * 1000);
  const cpu = cpuSeconds(pid) - cpuBefore;
  return { cpuPercent: (cpu * 1000 * 100) / (performance.now() - wallBefore), load: loadAverage() };
}

function firstMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    child.once("message", (message) => resolve(message as T));
    child.once("exit", (code) =>
      reject(new Error(`bench: the idle process exited (${code}) before answering`)),
    );
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  if (child.connected) child.send("stop");
  else child.kill();
  await exited;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
