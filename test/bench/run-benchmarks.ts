/**
 * `npm run bench`: prints labflow's speed figures on this machine. Nothing here asserts: the
 * figures are read against the targets in the README.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { loadAverage, medianOfRuns } from "./bench-helpers.js";
import { clusterBench } from "./cluster-bench.js";
import { editorBench, editorBenchReport } from "./editor-bench.js";
import { engineBenchReport } from "./engine-bench-report.js";
import { instrumentsBench } from "./instruments-bench.js";
import { instrumentsEventsBench } from "./instruments-events-bench.js";
import { jobsBench } from "./jobs-bench.js";
import { memoryBench } from "./memory-bench.js";
import { monitorBench, monitorBenchReport } from "./monitor-bench.js";

const only = process.argv[2];
const root = mkdtempSync(join(tmpdir(), "labflow-bench-"));
const fmt = (n: number, digits = 1) => n.toFixed(digits).padStart(9);

console.log(`labflow bench: node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? "?"})`);
try {
  if (!only || only === "engine") {
    for (const line of await engineBenchReport(root)) console.log(line);
  }
  if (!only || only === "jobs") {
    console.log("\njobs, 10,000 suspended jobs.Timer at a 1 s check interval:");
    const j = await jobsBench(root);
    console.log(`  submit (run start to all suspended)       ${fmt(j.submitMs)} ms`);
    console.log(
      `  monitor CPU while they wait               ${fmt(j.monitorCpuPercent, 2)} % of one core (target < 2 %; median of ${j.windows.length} x ${j.windowSeconds} s in a process of its own)`,
    );
    console.log(
      `    windows: ${j.windows.map((w) => `${w.cpuPercent.toFixed(2)} % (${w.load})`).join(", ")}`,
    );
    console.log(
      `  restart to all monitored again            ${fmt(j.restartToMonitoredMs)} ms (target < 1000 ms; median of ${j.restarts.length}: ${j.restarts.map((r) => r.wallMs.toFixed(0)).join(", ")} ms; ${loadAverage()})`,
    );
    console.log(
      `    CPU the restart took                    ${fmt(j.restartCpuMs)} ms (median; ${j.restarts.map((r) => r.cpuMs.toFixed(0)).join(", ")} ms)`,
    );
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
      "\ninstruments, one simulated instrument (socat pty) through the driver host into the data file (median of 3):",
    );
    const { median: b, runs: hostRuns } = await medianOfRuns(3, (round) =>
      instrumentsBench(root, 10, 1, round),
    );
    const hostLoad = loadAverage();
    const hostSpread = (key: keyof typeof b) => `[${hostRuns.map((r) => r[key].toFixed(1)).join(", ")}]`;
    console.log(
      `  sustained readings/s at ${b.samplingMs} ms sampling   ${fmt(b.readingsPerSecond)} /s (${b.readings} of ${b.expected} over ${b.seconds} s), target 1000 /s, ${hostLoad}`,
    );
    console.log(
      `  lag, last reading to task completed      ${fmt(b.lagMs)} ms ${hostSpread("lagMs")}, ${hostLoad}`,
    );
    console.log(
      `  driver host CPU                          ${fmt(b.hostCpuPercent)} % of one core ${hostSpread("hostCpuPercent")}, ${hostLoad}`,
    );
    console.log(
      `  simulator CPU                            ${fmt(b.simulatorCpuPercent)} % of one core ${hostSpread("simulatorCpuPercent")}, ${hostLoad}`,
    );
    for (const instruments of [1, 10]) {
      console.log(
        `\ninstruments, ${instruments === 1 ? "the same" : `${instruments} simulated instruments at once`} through ${instruments === 1 ? "an instruments.Task job" : "one instruments.Task job each"} in ONE \`labflow serve\` to ONE WebSocket client (median of 3):`,
      );
      const { median: w, runs } = await medianOfRuns(3, (round) =>
        instrumentsEventsBench(root, { instruments, round }),
      );
      const load = loadAverage();
      const spread = (key: keyof typeof w) => `[${runs.map((r) => r[key].toFixed(1)).join(", ")}]`;
      const perInstrument =
        instruments === 1
          ? ""
          : ` (per instrument: slowest ${w.slowestInstrumentPerSecond.toFixed(0)}, median ${w.medianInstrumentPerSecond.toFixed(0)})`;
      console.log(
        `  readings/s received as job.data events    ${fmt(w.readingsPerSecond)} /s in total${perInstrument}, target ${instruments * 1000} /s, ${load}`,
      );
      console.log(
        `  readings lost (file vs client), gaps      ${fmt(w.lost, 0)} lost of ${w.inFile}, ${w.gaps} gaps, ${w.events} events, target 0 and 0, ${load}`,
      );
      console.log(
        `  lag, last reading to the client          ${fmt(w.lagMs)} ms (worst instrument), ${load}`,
      );
      console.log(
        `  server CPU                               ${fmt(w.serverCpuPercent)} % of one core ${spread("serverCpuPercent")}${instruments === 10 ? ", target < 30 %" : ""}, ${load}`,
      );
      console.log(
        `  driver host CPU                          ${fmt(w.hostCpuPercent)} % of one core ${spread("hostCpuPercent")}, ${load}`,
      );
      console.log(
        `  simulators CPU (all)                     ${fmt(w.simulatorsCpuPercent)} % of one core ${spread("simulatorsCpuPercent")}, ${load}`,
      );
    }
    console.log(
      "\ninstruments, the same 10 with NO WebSocket client connected (a lab nobody watches), median of 3:",
    );
    const { median: u, runs: unwatchedRuns } = await medianOfRuns(3, (round) =>
      instrumentsEventsBench(root, { instruments: 10, round: 10 + round, watched: false }),
    );
    const unwatchedLoad = loadAverage();
    console.log(
      `  server CPU                               ${fmt(u.serverCpuPercent)} % of one core [${unwatchedRuns.map((r) => r.serverCpuPercent.toFixed(1)).join(", ")}] (${u.inFile} readings in the files), target < 30 %, ${unwatchedLoad}`,
    );
  }
  if (!only || only === "memory") {
    console.log(
      "\nmemory, `labflow serve` RSS with a 10,000-module workflow (basic.Constant -> basic.Add chain), median of 3:",
    );
    const { median: m, runs } = await medianOfRuns(3, () => memoryBench());
    const load = loadAverage();
    const spread = (key: keyof typeof m) => `[${runs.map((r) => r[key].toFixed(0)).join(", ")}]`;
    const row = (label: string, key: keyof typeof m, target = ", target < 300 MB") =>
      console.log(`  ${label.padEnd(40)} ${fmt(m[key])} MB ${spread(key)}${target}, ${load}`);
    row("idle, just started", "idleMb", "");
    row("workflow saved (PUT /api/workflows)", "savedMb");
    row("run completed (POST, GET /api/runs/:id)", "completedMb");
    row("after one more GET /api/runs/:id", "afterGetMb");
    row("peak (VmHWM)", "peakMb");
    console.log(
      `  run start to completed                   ${fmt(m.runSeconds)} s ${spread("runSeconds")}, ${load}`,
    );
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
