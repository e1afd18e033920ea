/**
 * `npm run bench`: prints labflow's speed figures on this machine. Nothing here asserts: the
 * figures are read against the targets in the README.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { engineBench, rawInsertFloor } from "./engine-bench.js";
import { jobsBench } from "./jobs-bench.js";

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
} finally {
  rmSync(root, { recursive: true, force: true });
}
