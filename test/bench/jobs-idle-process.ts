/**
 * The process `jobs-bench.ts` measures: opens a runtime on a data folder whose jobs already wait
 * (a restart), tells its parent how long until every job was monitored again, then idles until told
 * to stop. A process of its own, so that no other bench's garbage is collected on its clock.
 */
import { openRuntime } from "../../server/labflow-runtime.js";
import { waitFor } from "./bench-helpers.js";

const [dataDir, count] = process.argv.slice(2);
const n = Number(count);
const send = (message: unknown) => process.send?.(message);

const started = performance.now();
const cpuBefore = process.cpuUsage();
const runtime = await openRuntime({ dataDir: dataDir as string, globalInterval: 1_000, maxConcurrency: 64 });
await waitFor(() => runtime.monitor.trackedCount === n, "all jobs to be monitored again", 120_000);
const cpu = process.cpuUsage(cpuBefore);
send({ restartToMonitoredMs: performance.now() - started, restartCpuMs: (cpu.user + cpu.system) / 1000 });
process.on("message", (message) => {
  if (message !== "stop") return;
  runtime.close();
  process.disconnect();
});
