/**
 * N cluster.SlurmJob on the real test cluster (../shared/slurm, a single 2-CPU node), files over a
 * real sshd, followed to completion: submit rate, requests per second sent to slurmrestd while
 * the jobs wait and run (target: at most one per cluster per check interval, whatever N), the
 * monitor's CPU, and the time from Slurm's end of a job to labflow settling it.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { CredentialStore } from "../../server/cluster/credential-store.js";
import { openRuntime } from "../../server/labflow-runtime.js";
import type { WorkflowDocumentInput } from "../../server/schema/workflow-document.js";
import { slurmCluster } from "../helpers/slurm-cluster.js";
import { startSshd } from "../helpers/sshd.js";
import { waitFor } from "./bench-helpers.js";

export interface ClusterBenchResult {
  jobs: number;
  intervalMs: number;
  submitSeconds: number;
  submitPerSecond: number;
  waitSeconds: number;
  requestsPerSecond: number;
  monitorCpuPercent: number;
  totalSeconds: number;
  settleMedianMs: number;
  settleP95Ms: number;
}

export async function clusterBench(
  dataRoot: string,
  n: number,
  intervalMs = 1_000,
): Promise<ClusterBenchResult> {
  const slurm = slurmCluster();
  const sshd = await startSshd(slurm.user);
  const dataDir = join(dataRoot, "cluster");
  mkdirSync(dataDir, { recursive: true });
  const { rmSync, writeFileSync } = await import("node:fs");
  const remoteBase = `${slurm.jobsDir}/labflow-bench-${Date.now()}`;
  writeFileSync(
    join(dataDir, "clusters.yaml"),
    `clusters:\n  - name: bench\n    url: ${slurm.url}\n    apiVersion: v0.0.38\n    sftp: { host: 127.0.0.1, port: ${sshd.port}, hostKeyFingerprint: "${sshd.fingerprint}", remoteBase: ${remoteBase} }\n`,
  );
  new CredentialStore(dataDir).save("bench", slurm.user, { token: slurm.token(), sshKeyPath: sshd.keyPath });
  const modules: WorkflowDocumentInput["modules"] = [];
  for (let i = 0; i < n; i++)
    modules.push({
      id: `s${i}`,
      type: "cluster.SlurmJob",
      params: { cluster: "bench", name: `bench-${i}`, script: "#!/bin/bash\necho ok\n", timeLimit: 5 },
    });
  const runtime = await openRuntime({ dataDir, globalInterval: intervalMs, maxConcurrency: 64 });
  try {
    const session = runtime.clusters?.session("bench");
    if (!session) throw new Error("bench: no cluster session");
    const started = performance.now();
    const { runId } = runtime.engine.startRun({ version: 1, name: "slurm-bench", modules, connections: [] });
    const submitted = () =>
      runtime.monitor.list({ runId }).filter((j) => (j.params as { slurmJobId?: number } | null)?.slurmJobId)
        .length;
    await waitFor(() => submitted() === n, `${n} submissions`, 600_000);
    const submitSeconds = (performance.now() - started) / 1000;

    // While they wait and run: what the monitor costs and sends.
    const requestsBefore = session.client.requests.count;
    const cpuBefore = process.cpuUsage();
    const waitStarted = performance.now();
    await waitFor(
      () =>
        runtime.engine.getRun(runId).status !== "suspended" &&
        runtime.engine.getRun(runId).status !== "running",
      "the run to end",
      3_600_000,
    );
    const waitMs = performance.now() - waitStarted;
    const cpu = process.cpuUsage(cpuBefore);
    const requests = session.client.requests.count - requestsBefore;
    const totalSeconds = (performance.now() - started) / 1000;

    // Slurm's end of each job (whole seconds) against when labflow settled it.
    const ends = new Map(
      (await slurm.jobs()).map((j) => [j.comment, (j as unknown as { end_time: number }).end_time]),
    );
    const lags = runtime.monitor
      .list({ runId })
      .map((job) => Date.parse(job.finishedAt ?? "") - (ends.get(`labflow:${job.id}`) ?? Number.NaN) * 1000)
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    return {
      jobs: n,
      intervalMs,
      submitSeconds,
      submitPerSecond: n / submitSeconds,
      waitSeconds: waitMs / 1000,
      requestsPerSecond: requests / (waitMs / 1000),
      monitorCpuPercent: ((cpu.user + cpu.system) / 1000 / waitMs) * 100,
      totalSeconds,
      settleMedianMs: lags[Math.floor(lags.length / 2)] ?? Number.NaN,
      settleP95Ms: lags[Math.floor(lags.length * 0.95)] ?? Number.NaN,
    };
  } finally {
    runtime.close();
    await sshd.stop();
    rmSync(remoteBase, { recursive: true, force: true });
  }
}
