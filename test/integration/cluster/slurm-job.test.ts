import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import slurmJob from "../../../modules/cluster/slurm-job.js";
import { CredentialStore } from "../../../server/cluster/credential-store.js";
import { testRuntime } from "../../helpers/runtime.js";
import { slurmCluster, takeTheCluster } from "../../helpers/slurm-cluster.js";
import { type Sshd, startSshd } from "../../helpers/sshd.js";
import { tempDir } from "../../helpers/temp-dir.js";
import { waitUntil } from "../../helpers/wait-until.js";
import { workflow } from "../../helpers/workflow-builder.js";
import { clusterDataFolder } from "./cluster-fixture.js";

let sshd: Sshd;
let releaseCluster: (() => void) | undefined;
beforeAll(async () => {
  releaseCluster = await takeTheCluster();
  sshd = await startSshd(slurmCluster().user);
  // Waits while another test file has the cluster (takeTheCluster).
}, 900_000);
afterAll(async () => {
  await sshd?.stop();
  releaseCluster?.();
});

async function finished(runtime: Awaited<ReturnType<typeof testRuntime>>, runId: string) {
  try {
    return await waitUntil(
      () => {
        const run = runtime.engine.getRun(runId);
        return ["completed", "failed", "cancelled"].includes(run.status) ? run : undefined;
      },
      `run ${runId} to end`,
      60_000,
      100,
    );
  } catch (error) {
    const jobs = runtime.monitor.list({ runId }).map((j) => `${j.moduleId}: ${j.state} ${j.message ?? ""}`);
    throw new Error(
      `${(error as Error).message}; jobs: ${jobs.join("; ")}; modules: ${JSON.stringify(runtime.engine.getRun(runId).modules)}`,
    );
  }
}

describe("cluster.SlurmJob on the real Slurm", () => {
  it("uploads an input, transforms it on the cluster, downloads the result for a downstream module", async () => {
    const { dataDir, slurm } = clusterDataFolder(sshd);
    const runtime = await testRuntime({ dataDir, globalInterval: 300 });
    const doc = workflow("upper")
      .module("w", "basic.WriteFile", { path: "input.txt" })
      .module("text", "basic.Constant", { value: "hello cluster\n" })
      .connect("text.value", "w.content")
      .module("job", "cluster.SlurmJob", {
        cluster: "test",
        script: "#!/bin/bash\nmkdir -p out\ntr a-z A-Z < input.txt > out/result.txt\necho transformed\n",
        download: ["out/*.txt"],
      })
      .connect("w.path", "job.file")
      .module("read", "jobs.Command", { command: 'cat "$(printf %s "$LABFLOW_INPUT" | tr -d \'"\')"' })
      .connect("job.file", "read.input")
      .build();
    const { runId } = runtime.engine.startRun(doc);
    const run = await finished(runtime, runId);
    expect(run.status, JSON.stringify(run.modules, null, 1)).toBe("completed");
    const outputs = run.modules.job?.outputs as Record<string, unknown>;
    expect(outputs.exitCode).toBe(0);
    expect(outputs.state).toBe("COMPLETED");
    expect(readFileSync(outputs.file as string, "utf8")).toBe("HELLO CLUSTER\n");
    expect(readFileSync(outputs.stdout as string, "utf8")).toBe("transformed\n");
    const read = run.modules.read?.outputs as Record<string, unknown>;
    expect(readFileSync(read.stdout as string, "utf8")).toBe("HELLO CLUSTER\n");
    const job = runtime.monitor.list({ runId }).find((j) => j.moduleId === "job");
    const submissions = (await slurm.jobs()).filter((j) => j.comment === `labflow:${job?.id}`);
    expect(submissions).toHaveLength(1);
    expect(existsSync(outputs.file as string)).toBe(true);
  });
});

describe("cluster.SlurmJob transfers", () => {
  it("tells the bytes sent while a large upload goes to the cluster, then submits", async () => {
    const { dataDir } = clusterDataFolder(sshd);
    const runtime = await testRuntime({ dataDir, globalInterval: 200 });
    mkdirSync(join(dataDir, "workspace"), { recursive: true });
    const size = 100_000_000;
    execFileSync("head", ["-c", String(size), "/dev/urandom"], {
      stdio: ["ignore", openSync(join(dataDir, "workspace", "frames.bin"), "w"), "inherit"],
    });
    const { runId } = runtime.engine.startRun(
      workflow("big")
        .module("job", "cluster.SlurmJob", {
          cluster: "test",
          script: "#!/bin/bash\nstat -c %s frames.bin\n",
          upload: ["frames.bin"],
        })
        .build(),
    );
    // Every message the job was told with, as the Job Monitor receives them.
    const seen = new Set<string>();
    runtime.engine.events.on((event) => {
      if (event.type === "job" && event.job.runId === runId && event.job.message) seen.add(event.job.message);
    });
    const run = await waitUntil(() => {
      const view = runtime.engine.getRun(runId);
      return ["completed", "failed"].includes(view.status) ? view : undefined;
    }, "the run to end");
    expect(run.status, JSON.stringify(run.modules)).toBe("completed");
    const outputs = run.modules.job?.outputs as { stdout: string };
    expect(readFileSync(outputs.stdout, "utf8")).toBe(`${size}\n`);
    const progress = [...seen].filter((m) => m.startsWith('uploading to cluster "test": '));
    expect(progress.length, [...seen].join("\n")).toBeGreaterThan(0);
    expect(progress[0]).toMatch(new RegExp(`^uploading to cluster "test": \\d+ of ${size} bytes$`));
  });
});

describe("cluster.SlurmJob states", () => {
  it("fails a failing script with its exit code and the tail of its stderr", async () => {
    const { dataDir } = clusterDataFolder(sshd);
    const runtime = await testRuntime({ dataDir, globalInterval: 300 });
    const doc = workflow("fail")
      .module("job", "cluster.SlurmJob", {
        cluster: "test",
        script: "#!/bin/bash\necho 'reading input' >&2\necho 'no such spectrum: s42' >&2\nexit 3\n",
      })
      .build();
    const { runId } = runtime.engine.startRun(doc);
    const run = await finished(runtime, runId);
    expect(run.status).toBe("failed");
    const job = runtime.monitor.list({ runId })[0];
    expect(job?.state).toBe("failed");
    expect(job?.message).toMatch(
      /^Slurm job \d+ FAILED \(NonZeroExitCode\), exit code 3: reading input \| no such spectrum: s42$/,
    );
  });

  it("waits with an expired login, and continues once the person logs in again", async () => {
    const { dataDir, slurm } = clusterDataFolder(sshd);
    const { CredentialStore } = await import("../../../server/cluster/credential-store.js");
    const { jwtExpiry } = await import("../../../server/cluster/slurm/slurm-client.js");
    const store = new CredentialStore(dataDir);
    const short = slurm.mintToken(1);
    store.save("test", slurm.user, { token: short, sshKeyPath: sshd.keyPath });
    await waitUntil(
      () => (jwtExpiry(short) ?? 0) * 1000 < Date.now(),
      "the short token to expire",
      10_000,
      100,
    );
    const runtime = await testRuntime({ dataDir, globalInterval: 300 });
    const { runId } = runtime.engine.startRun(
      workflow("expired").module("job", "cluster.SlurmJob", { cluster: "test", script: "echo ok\n" }).build(),
    );
    const waiting = await waitUntil(
      () => runtime.monitor.list({ runId }).find((j) => j.state === "waiting"),
      "the job to wait for a login",
    );
    expect(waiting.message).toMatch(/log in again: labflow cluster login test --user slurmjob$/);
    expect(waiting.message).not.toContain(short);
    store.save("test", slurm.user, { token: slurm.token(), sshKeyPath: sshd.keyPath });
    const run = await finished(runtime, runId);
    expect(run.status, JSON.stringify(run.modules)).toBe("completed");
    const outputs = run.modules.job?.outputs as { stdout: string };
    expect(readFileSync(outputs.stdout, "utf8")).toBe("ok\n");
  });

  it("waits when Slurm refuses the token (revoked), and continues after a new login", async () => {
    const { dataDir, slurm } = clusterDataFolder(sshd);
    const store = new CredentialStore(dataDir);
    // A token that has not expired but that slurmctld does not accept: another key signed it.
    const [header, payload] = slurm.token().split(".");
    store.save("test", slurm.user, {
      token: `${header}.${payload}.c2lnbmVkLWVsc2V3aGVyZQ`,
      sshKeyPath: sshd.keyPath,
    });
    const runtime = await testRuntime({ dataDir, globalInterval: 300 });
    const { runId } = runtime.engine.startRun(
      workflow("refused")
        .module("job", "cluster.SlurmJob", { cluster: "test", script: "echo again\n" })
        .build(),
    );
    const waiting = await waitUntil(
      () => runtime.monitor.list({ runId }).find((j) => j.state === "waiting"),
      "the job to wait for a new login",
    );
    expect(waiting.message).toMatch(
      /^cluster "test": Slurm refused to list jobs for slurmjob: .*log in again: labflow cluster login test --user slurmjob$/,
    );
    store.save("test", slurm.user, { token: slurm.token(), sshKeyPath: sshd.keyPath });
    const run = await finished(runtime, runId);
    expect(run.status, JSON.stringify(run.modules)).toBe("completed");
  });

  it("cancels a job that already ended in Slurm without harm, saying what Slurm said", async () => {
    const { dataDir, slurm } = clusterDataFolder(sshd);
    const runtime = await testRuntime({ dataDir, globalInterval: 300 });
    const { runId } = runtime.engine.startRun(
      workflow("ended")
        .module("job", "cluster.SlurmJob", { cluster: "test", script: "sleep 2\necho quick\n" })
        .build(),
    );
    const job = await waitUntil(
      () => runtime.monitor.list({ runId }).find((j) => j.params !== null),
      "the job to be submitted",
    );
    // Not checked any more: labflow does not learn that it ended before the cancel comes.
    runtime.monitor.pause(job.id);
    await waitUntil(
      async () =>
        (await slurm.jobs()).find((j) => j.comment === `labflow:${job.id}`)?.job_state === "COMPLETED",
      "Slurm to finish the job",
    );
    const { job: after } = await runtime.monitor.cancelJob(job.id);
    expect(after.state).toBe("cancelled");
    expect((await slurm.jobs()).find((j) => j.comment === `labflow:${job.id}`)?.job_state).toBe("COMPLETED");
    expect(readFileSync(join(runtime.engine.jobDir(job), "labflow.log"), "utf8")).toMatch(
      /cancel: Slurm job \d+ is COMPLETED\n$/,
    );
  });

  it("cancels a pending and a running job through Slurm", async () => {
    const { dataDir, slurm } = clusterDataFolder(sshd);
    const runtime = await testRuntime({ dataDir, globalInterval: 300 });
    // The test node has 2 CPUs: the first job takes both, the second stays PENDING (Resources).
    const doc = workflow("cancel")
      .module("busy", "cluster.SlurmJob", {
        cluster: "test",
        name: "busy",
        script: "echo working\nsleep 60\n",
        cpusPerTask: 2,
      })
      .module("queued", "cluster.SlurmJob", {
        cluster: "test",
        name: "queued",
        script: "echo working\nsleep 60\n",
        cpusPerTask: 2,
      })
      .build();
    const { runId } = runtime.engine.startRun(doc);
    const jobOf = (moduleId: string) => runtime.monitor.list({ runId }).find((j) => j.moduleId === moduleId);
    await waitUntil(
      () => /RUNNING/.test(jobOf("busy")?.message ?? "") || /RUNNING/.test(jobOf("queued")?.message ?? ""),
      "one job to run",
    );
    const [running, pending] = /RUNNING/.test(jobOf("busy")?.message ?? "")
      ? ["busy", "queued"]
      : ["queued", "busy"];
    await waitUntil(() => /PENDING/.test(jobOf(pending)?.message ?? ""), "the other to be pending").catch(
      (error) => {
        throw new Error(
          `${error.message}: ${JSON.stringify(runtime.monitor.list({ runId }).map((j) => [j.moduleId, j.state, j.message]))} ${JSON.stringify(runtime.engine.getRun(runId).modules)}`,
        );
      },
    );
    expect(jobOf(pending)?.state).toBe("waiting");
    const slurmState = async (moduleId: string) =>
      (await slurm.jobs()).find((j) => j.comment === `labflow:${jobOf(moduleId)?.id}`)?.job_state;

    // The running job's output is followed live, read from the cluster.
    await waitUntil(
      async () => (await runtime.monitor.log(jobOf(running)?.id as string, "stdout", 0)).text === "working\n",
      "the running job's stdout",
    );
    const cancelledPending = await runtime.monitor.cancelJob(jobOf(pending)?.id as string);
    expect(cancelledPending.job.state).toBe("cancelled");
    expect(await slurmState(pending)).toBe("CANCELLED");

    const cancelledRunning = await runtime.monitor.cancelJob(jobOf(running)?.id as string);
    expect(cancelledRunning.job.state).toBe("cancelled");
    expect(await slurmState(running)).toBe("CANCELLED");
    const again = await runtime.monitor.cancelJob(jobOf(running)?.id as string);
    expect(again.message).toMatch(/already cancelled/);
  });
});

describe("cluster.SlurmJob bad input", () => {
  it("fails with Slurm's own message when Slurm refuses the request, and names an unknown cluster", async () => {
    const { dataDir } = clusterDataFolder(sshd);
    const runtime = await testRuntime({ dataDir });
    const { runId } = runtime.engine.startRun(
      workflow("refused")
        .module("huge", "cluster.SlurmJob", { cluster: "test", script: "true\n", memory: 99_999_999 })
        .module("elsewhere", "cluster.SlurmJob", { cluster: "nowhere", script: "true\n" })
        .build(),
    );
    const run = await finished(runtime, runId);
    expect(run.modules.huge?.error).toEqual({
      code: "slurm_error",
      message:
        'cluster "test": Slurm could not submit the job: Requested node configuration is not available (error 2014)',
    });
    expect(run.modules.elsewhere?.error).toMatchObject({
      code: "cluster_unknown",
      message: 'no cluster "nowhere" is configured (known: test)',
    });
  });

  it("refuses an upload outside the workspace and a download pattern leaving the job's folder, before submitting", async () => {
    const { dataDir, slurm } = clusterDataFolder(sshd);
    const runtime = await testRuntime({ dataDir });
    const { runId } = runtime.engine.startRun(
      workflow("escapes")
        .module("up", "cluster.SlurmJob", { cluster: "test", script: "true\n", upload: ["../../etc/passwd"] })
        .module("down", "cluster.SlurmJob", { cluster: "test", script: "true\n", download: ["../*.txt"] })
        .build(),
    );
    const run = await finished(runtime, runId);
    expect(run.modules.up?.error).toMatchObject({ code: "path_outside_workspace" });
    expect(run.modules.down?.error).toMatchObject({
      code: "download_pattern_escapes",
      message:
        'download pattern "../*.txt" leaves the job\'s folder: give a path relative to it, without ".."',
    });
    const jobIds = runtime.monitor.list({ runId }).map((j) => `labflow:${j.id}`);
    expect((await slurm.jobs()).filter((j) => jobIds.includes(j.comment))).toEqual([]);
  });
});

describe("cluster.SlurmJob over a shared folder", () => {
  it("runs with its files in a folder the cluster and labflow both see", async () => {
    const slurm = slurmCluster();
    const dataDir = tempDir("labflow-cluster-");
    // The shared folder belongs to the cluster user, as a home or project folder on NFS would.
    const shared = tempDir("labflow-shared-");
    execFileSync("chown", [slurm.user, shared]);
    writeFileSync(
      join(dataDir, "clusters.yaml"),
      `clusters:\n  - { name: nfs, url: "${slurm.url}", apiVersion: v0.0.38, sharedFolder: { path: "${shared}" } }\n`,
    );
    new CredentialStore(dataDir).save("nfs", slurm.user, { token: slurm.token() });
    const runtime = await testRuntime({ dataDir, globalInterval: 300 });
    mkdirSync(join(dataDir, "workspace"), { recursive: true });
    writeFileSync(join(dataDir, "workspace", "numbers.txt"), "3\n4\n");
    const { runId } = runtime.engine.startRun(
      workflow("shared")
        .module("sum", "cluster.SlurmJob", {
          cluster: "nfs",
          script: "#!/bin/bash\nawk '{s+=$1} END {print s}' numbers.txt > sum.txt\n",
          upload: ["numbers.txt"],
          download: ["sum.txt"],
        })
        .build(),
    );
    const run = await finished(runtime, runId);
    expect(run.status, JSON.stringify(run.modules)).toBe("completed");
    const outputs = run.modules.sum?.outputs as { file: string };
    expect(readFileSync(outputs.file, "utf8")).toBe("7\n");
  });
});

describe("cluster.SlurmJob submitted once", () => {
  async function startContext(runtime: Awaited<ReturnType<typeof testRuntime>>, jobId: string) {
    const { Workspace } = await import("../../../modules/sdk/workspace.js");
    const { tempDir } = await import("../../helpers/temp-dir.js");
    const params = slurmJob.params.parse({ cluster: "test", script: "sleep 1\n" });
    return {
      runId: "run-x",
      moduleId: "job",
      inputs: {},
      params,
      log: () => undefined,
      signal: new AbortController().signal,
      workspace: new Workspace(tempDir()),
      runDir: tempDir(),
      // A fresh job folder each time: the process that crashed left nothing on this machine.
      jobDir: tempDir(),
      jobId,
      services: { clusters: runtime.clusters },
    };
  }

  it("finds its earlier submission after a crash between Slurm's answer and the record", async () => {
    const { dataDir, slurm } = clusterDataFolder(sshd);
    const runtime = await testRuntime({ dataDir });
    const jobId = `job-crash-${Date.now()}`;
    const first = (await slurmJob.job?.start(await startContext(runtime, jobId))) as { slurmJobId: number };
    const second = (await slurmJob.job?.start(await startContext(runtime, jobId))) as { slurmJobId: number };
    expect(second.slurmJobId).toBe(first.slurmJobId);
    expect((await slurm.jobs()).filter((j) => j.comment === `labflow:${jobId}`)).toHaveLength(1);
  });

  it("settles a job Slurm forgot (ended beyond MinJobAge) from the exit status its script left", async () => {
    const { dataDir } = clusterDataFolder(sshd);
    const runtime = await testRuntime({ dataDir });
    const { tempDir } = await import("../../helpers/temp-dir.js");
    const { writeRecord } = await import("../../../modules/cluster/_job-record.js");
    const jobId = `job-forgotten-${Date.now()}`;
    const session = runtime.clusters?.session("test");
    const folder = runtime.clusters?.jobFolder("test", jobId) as string;
    // What the batch script leaves behind; Slurm has never heard of job 999999 (as after MinJobAge).
    const local = tempDir();
    const { writeFileSync } = await import("node:fs");
    writeFileSync(`${local}/exit`, "7\n");
    writeFileSync(`${local}/stderr`, "segfault in reconstruct\n");
    await session?.upload(`${local}/exit`, `${folder}/.labflow/exit`);
    await session?.upload(`${local}/stderr`, `${folder}/stderr`);
    const jobDir = tempDir();
    writeRecord(jobDir, { slurmJobId: 999_999, submittedAtMs: Date.now() - 3_600_000 });
    const params = {
      cluster: "test",
      key: jobId,
      folder,
      submission: {
        name: "x",
        comment: `labflow:${jobId}`,
        script: "",
        cwd: folder,
        stdout: `${folder}/stdout`,
        stderr: `${folder}/stderr`,
        environment: {},
      },
      uploads: [],
      download: [],
      slurmJobId: 999_999,
    };
    const handle = slurmJob.job?.handle(params as never, {
      jobId,
      jobDir,
      services: { clusters: runtime.clusters },
    });
    expect(await handle?.check()).toEqual({
      status: "failed",
      message: "Slurm job 999999 FAILED (ended while labflow was away), exit code 7: segfault in reconstruct",
    });
  });
});
