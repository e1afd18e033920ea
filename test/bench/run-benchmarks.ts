/**
 * `npm run bench`: prints labflow's speed figures on this machine. Nothing here asserts: the
 * figures are read against the targets in the README.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { clusterBench } from "./cluster-bench.js";
import { editorBench, editorBenchReport } from "./editor-bench.js";
import { engineBench, rawInsertFloor } from "./engine-bench.js";
import { instrumentsBench } from "./instruments-bench.js";
import { instrumentsEventsBench } from "./instruments-events-bench.js";
import { jobsBench } from "./jobs-bench.js";
import { monitorBench, monitorBenchReport } from "./monitor-bench.js";

const only = process.argv[2];
const root = mkdtempSync(join(tmpdir(), "labflow-bench-"));
const fmt = (n: number, digits = 1) => n.toFixed(digits).padStart(9);

console.log(`labflow bench: node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? "?"})`);
try {
  if (!only || only === "engine") {
    console.log("\nengine, 10,000-module DAGs of trivial modules (including SQLite persistence):");
    const rows = [...(await engineBench(root)), ...rawInsertFloor(root)];
    for (const r of rows)
      console.log(
        `  ${r.case.padEnd(32)} ${String(r.modules).padStart(6)} modules ${fmt(r.ms)} ms ${fmt(r.usPerModule, 2)} us/module`,
      );
  }
  if (!only || only === "jobs") {
    console.log("\njobs, 10,000 suspended jobs.Timer at a 1 s check interval:");
    const j = await jobsBench(root);
    console.log(`  submit (run start to all suspended)       ${fmt(j.submitMs)} ms`);
    console.log(
      `  monitor CPU while they wait               ${fmt(j.monitorCpuPercent, 2)} % of one core (over ${j.sampleSeconds} s)`,
    );
    console.log(`  restart to all monitored again            ${fmt(j.restartToMonitoredMs)} ms`);
  }
  if (!only || only === "editor") {
    // LABFLOW_BENCH_EDITOR_MODULES=1000 for one size only.
    const sizes = (process.env.LABFLOW_BENCH_EDITOR_MODULES ?? "1000,10000").split(",").map(Number);
    for (const modules of sizes)
      for (const line of editorBenchReport(await editorBench({ modules }))) console.log(line);
  }
  if (!only || only === "monitor") {
    for (const line of monitorBenchReport(await monitorBench())) console.log(line);
  }
  if (!only || only === "instruments") {
    console.log(
      "\ninstruments, one simulated instrument (socat pty) through the driver host into the data file:",
    );
    const b = await instrumentsBench(root);
    console.log(
      `  sustained readings/s at ${b.samplingMs} ms sampling   ${fmt(b.readingsPerSecond)} /s (${b.readings} of ${b.expected} over ${b.seconds} s)`,
    );
    console.log(`  lag, last reading to task completed      ${fmt(b.lagMs)} ms`);
    console.log(`  driver host CPU                          ${fmt(b.hostCpuPercent)} % of one core`);
    console.log(`  simulator CPU                            ${fmt(b.simulatorCpuPercent)} % of one core`);
    console.log(
      "\ninstruments, the same through an instruments.Task job in `labflow serve` to a WebSocket client:",
    );
    const w = await instrumentsEventsBench(root);
    console.log(
      `  readings/s received as job.data events    ${fmt(w.readingsPerSecond)} /s (${w.received} of ${w.inFile} in the file, ${w.gaps} gaps, ${w.events} events)`,
    );
    console.log(`  lag, last reading to the client          ${fmt(w.lagMs)} ms`);
    console.log(`  server CPU                               ${fmt(w.serverCpuPercent)} % of one core`);
  }
  // Only on request: it needs the real Slurm cluster (../shared/slurm/up.sh, as root).
  if (only === "cluster") {
    const n = Number(process.env.LABFLOW_BENCH_CLUSTER_JOBS ?? 1000);
    console.log(`\ncluster, ${n} cluster.SlurmJob on the test Slurm (1 node, 2 CPUs), files over SFTP:`);
    const c = await clusterBench(root, n);
    console.log(
      `  submit (run start to all submitted)      ${fmt(c.submitSeconds)} s (${fmt(c.submitPerSecond)} jobs/s)`,
    );
    console.log(
      `  requests/s to slurmrestd while they run  ${fmt(c.requestsPerSecond, 2)} /s at a ${c.intervalMs} ms check interval (over ${fmt(c.waitSeconds)} s)`,
    );
    console.log(`  monitor CPU while they run               ${fmt(c.monitorCpuPercent, 2)} % of one core`);
    console.log(
      `  Slurm end to labflow settled             ${fmt(c.settleMedianMs, 0)} ms median, ${fmt(c.settleP95Ms, 0)} ms p95 (Slurm's end time has 1 s resolution)`,
    );
    console.log(`  all ${c.jobs} followed to completion in       ${fmt(c.totalSeconds)} s`);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
