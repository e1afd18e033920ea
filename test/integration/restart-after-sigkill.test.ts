import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../server/store/sqlite-store.js";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import { tempDir } from "../helpers/temp-dir.js";
import { waitUntil } from "../helpers/wait-until.js";
import { workflow } from "../helpers/workflow-builder.js";
import { type ApiClient, apiClient } from "./http/api-client.js";

const servers: ServerProcess[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop().catch(() => {});
});

async function serve(dataDir: string): Promise<{ server: ServerProcess; api: ApiClient }> {
  const server = await startServerProcess({ dataDir, args: ["--check-interval", "200"] });
  servers.push(server);
  return { server, api: apiClient(server.url, { token: server.token }) };
}

async function jobOf(api: ApiClient, runId: string, moduleId: string) {
  const { body } = await api.get(`/api/jobs?runId=${runId}`);
  return (body.jobs as { moduleId: string; state: string; id: string }[]).find(
    (j) => j.moduleId === moduleId,
  );
}

describe("a run survives SIGKILL of the server", () => {
  it("completes after a restart with the right outputs, each command started once, nothing upstream re-run", async () => {
    const dataDir = tempDir();
    const starts = join(tempDir(), "starts.txt");
    const release = join(tempDir(), "release");
    const doc = workflow("restart")
      .module("upstream", "basic.Constant", { value: 21 })
      .module("noted", "basic.Log", { label: "upstream" })
      // Appends a line per start, then runs until the test releases it (while the server is down).
      .module("cmd", "jobs.Command", {
        command: `echo "start $LABFLOW_INPUT" >> ${starts}; while [ ! -e ${release} ]; do sleep 0.05; done; echo "got $LABFLOW_INPUT"`,
      })
      .module("timer", "jobs.Timer", { seconds: 3 })
      .module("after", "basic.Expression", { expression: "a && b == 0" })
      .connect("upstream.value", "noted.value")
      .connect("noted.value", "cmd.input")
      .connect("timer.finished", "after.a")
      .connect("cmd.exitCode", "after.b")
      .build();

    const first = await serve(dataDir);
    const { body } = await first.api.post("/api/runs", { workflow: doc });
    const runId: string = body.runId;
    await waitUntil(
      async () => (await jobOf(first.api, runId, "cmd"))?.state === "running",
      "the command job to run",
    );
    await waitUntil(
      async () => (await jobOf(first.api, runId, "timer"))?.state === "running",
      "the timer job to run",
    );
    // The run turns suspended once its last running module is handed to the job monitor.
    await expect.poll(async () => (await first.api.get(`/api/runs/${runId}`)).body.status).toBe("suspended");

    await first.server.kill("SIGKILL");
    // The command goes on without the server, and finishes while it is down.
    writeFileSync(release, "");

    const second = await serve(dataDir);
    const finished = await second.api.finishedRun(runId);
    expect(finished.status).toBe("completed");
    expect(finished.modules.cmd.status).toBe("done");
    expect(finished.modules.cmd.outputs.exitCode).toBe(0);
    expect(readFileSync(finished.modules.cmd.outputs.stdout, "utf8")).toBe("got 21\n");
    expect(finished.modules.timer.outputs).toEqual({ finished: true });
    expect(finished.modules.after.outputs).toEqual({ result: true });
    expect(readFileSync(starts, "utf8")).toBe("start 21\n");
    await second.server.stop();

    // Upstream modules ran once: their single log entry is all the run log holds for them.
    const store = openSqliteStore(dataDir);
    try {
      const upstreamLogs = store.runLog(runId).filter((entry) => entry.moduleId === "noted");
      expect(upstreamLogs).toHaveLength(1);
      expect(store.modules(runId).find((m) => m.moduleId === "noted")?.status).toBe("done");
    } finally {
      store.close();
    }
  });

  it("cancel kills the command's whole process group", async () => {
    const { server, api } = await serve(tempDir());
    const doc = workflow("cancel")
      .module("cmd", "jobs.Command", { command: "sleep 300 & sleep 300; wait" })
      .build();
    const runId: string = (await api.post("/api/runs", { workflow: doc })).body.runId;
    const job = await waitUntil(async () => {
      const j = await jobOf(api, runId, "cmd");
      return j?.state === "running" ? j : undefined;
    }, "the command to run");
    const pid = Number(readFileSync(join(server.dataDir, "runs", runId, "jobs", job.id, "pid"), "utf8"));
    expect(groupAlive(pid)).toBe(true);

    const cancelled = await api.post(`/api/jobs/${job.id}/cancel`);
    expect(cancelled.status).toBe(200);
    await waitUntil(() => !groupAlive(pid), "the process group to be gone");
    await expect.poll(async () => (await api.get(`/api/jobs/${job.id}`)).body.state).toBe("cancelled");
    expect((await api.finishedRun(runId)).status).toBe("cancelled");
  });
});

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
