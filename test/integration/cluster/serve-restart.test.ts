import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startServerProcess } from "../../helpers/server-process.js";
import { slurmCluster, takeTheCluster } from "../../helpers/slurm-cluster.js";
import { type Sshd, startSshd } from "../../helpers/sshd.js";
import { waitUntil } from "../../helpers/wait-until.js";
import { workflow } from "../../helpers/workflow-builder.js";
import { apiClient } from "../http/api-client.js";
import { cliLogin, clusterDataFolder } from "./cluster-fixture.js";

let sshd: Sshd;
/** Servers still running when a test ends early: stopped, never left behind. */
const servers: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop().catch(() => undefined);
});
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

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map((name) => join(dir, String(name)))
    .filter((path) => statSync(path).isFile());
}

describe("a Slurm job under labflow serve", () => {
  it("survives a SIGKILL of the server while it runs: one submission, the run completes, no secret leaks", async () => {
    const { dataDir, slurm } = clusterDataFolder(sshd, { login: false });
    const token = slurm.token();
    const login = await cliLogin(dataDir, `${token}\n${sshd.keyPath}\n\n`);
    expect(login.out).toMatch(/logged in as slurmjob on test/);
    expect(login.code).toBe(0);

    const apiToken = "cluster-test-api-token";
    let server = await startServerProcess({ dataDir, token: apiToken, args: ["--check-interval", "300"] });
    servers.push(server);
    let api = apiClient(server.url, { token: apiToken });
    const doc = workflow("restart")
      .module("job", "cluster.SlurmJob", {
        cluster: "test",
        script: "#!/bin/bash\necho started\nsleep 4\necho survived > out.txt\n",
        download: ["out.txt"],
      })
      .build();
    const { body } = await api.request("POST", "/api/runs", { json: { workflow: doc } });
    const runId = body.runId as string;
    const running = await waitUntil(async () => {
      const jobs = (await api.request("GET", `/api/jobs?runId=${runId}`)).body.jobs;
      return jobs.find((j: { message?: string }) => /RUNNING/.test(j.message ?? ""));
    }, "the Slurm job to run");

    // No secret on any process's command line while the job runs.
    expect(execFileSync("ps", ["-eo", "args"], { encoding: "utf8" })).not.toContain(token);
    const answers = [
      await api.request("GET", `/api/runs/${runId}`),
      await api.request("GET", `/api/jobs?runId=${runId}`),
      await api.request("GET", "/api/clusters"),
    ];
    expect(answers[2]?.body).toEqual({ configured: true, clusters: [{ name: "test", users: ["slurmjob"] }] });
    // The editor's picker: the inspector shows the configured clusters as a select.
    const catalog = (await api.request("GET", "/api/modules")).body;
    const slurmModule = catalog.modules.find((m: { type: string }) => m.type === "cluster.SlurmJob");
    expect(slurmModule.params.properties.cluster.enum).toEqual(["test"]);
    for (const answer of answers) expect(JSON.stringify(answer.body)).not.toContain(token);

    await server.kill("SIGKILL");
    server = await startServerProcess({ dataDir, token: apiToken, args: ["--check-interval", "300"] });
    servers.push(server);
    api = apiClient(server.url, { token: apiToken });
    const run = await waitUntil(
      async () => {
        const view = (await api.request("GET", `/api/runs/${runId}`)).body;
        return ["completed", "failed"].includes(view.status) ? view : undefined;
      },
      "the run to end after the restart",
      60_000,
    );
    expect(run.status, JSON.stringify(run)).toBe("completed");
    expect(readFileSync(run.modules.job.outputs.file, "utf8")).toBe("survived\n");
    const submissions = (await slurm.jobs()).filter((j) => j.comment === `labflow:${running.id}`);
    expect(submissions).toHaveLength(1);

    const logs = await api.request("GET", `/api/jobs/${running.id}/log?stream=stdout&offset=0`);
    expect(logs.body.text).toBe("started\n");
    expect(server.stderr()).not.toContain(token);
    await server.stop();
    // Nothing in the data folder (SQLite, logs, job folders, the logins file) holds the token in clear.
    for (const file of filesUnder(dataDir)) expect(readFileSync(file).includes(token), file).toBe(false);
  });
});
