/** 10,000 suspended jobs.Timer: submit time, the monitor's CPU while they wait, restart to all monitored. */
import { join } from "node:path";
import { openRuntime } from "../../server/labflow-runtime.js";
import type { WorkflowDocumentInput } from "../../server/schema/workflow-document.js";

const waitFor = async (probe: () => boolean, what: string, timeoutMs = 120_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

export async function jobsBench(dataRoot: string, n = 10_000, sampleSeconds = 10) {
  const dataDir = join(dataRoot, "jobs");
  const modules: WorkflowDocumentInput["modules"] = [];
  for (let i = 0; i < n; i++)
    modules.push({ id: `t${i}`, type: "jobs.Timer", params: { seconds: 3600 + i } });
  const document: WorkflowDocumentInput = { version: 1, name: "timers", modules, connections: [] };

  let runtime = await openRuntime({ dataDir, globalInterval: 1_000, maxConcurrency: 64 });
  let started = performance.now();
  const { runId } = runtime.engine.startRun(document);
  await waitFor(() => runtime.engine.getRun(runId).status === "suspended", "all timers to suspend");
  const submitMs = performance.now() - started;

  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  await new Promise((r) => setTimeout(r, sampleSeconds * 1000));
  const cpu = process.cpuUsage(cpuBefore);
  const monitorCpuPercent = ((cpu.user + cpu.system) / 1000 / (performance.now() - wallBefore)) * 100;
  runtime.close();

  started = performance.now();
  runtime = await openRuntime({ dataDir, globalInterval: 1_000, maxConcurrency: 64 });
  await waitFor(() => runtime.monitor.trackedCount === n, "all jobs to be monitored again");
  const restartToMonitoredMs = performance.now() - started;
  runtime.close();
  return { submitMs, monitorCpuPercent, restartToMonitoredMs, sampleSeconds };
}
