import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import { tempDir } from "../helpers/temp-dir.js";
import { waitUntil } from "../helpers/wait-until.js";
import { workflow } from "../helpers/workflow-builder.js";
import { apiClient, openEvents } from "./http/api-client.js";

const servers: ServerProcess[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop().catch(() => {});
});

async function serve(dataDir?: string) {
  const server = await startServerProcess({
    ...(dataDir ? { dataDir } : {}),
    args: ["--check-interval", "200"],
  });
  servers.push(server);
  return { server, api: apiClient(server.url, { token: server.token }) };
}

const lines = (file: string) => {
  try {
    return readFileSync(file, "utf8").split("\n").filter(Boolean).length;
  } catch {
    return 0;
  }
};

describe("jobs through the real server", () => {
  it("starts the work once when two people run the same workflow while its job runs, and both runs complete", async () => {
    const { api } = await serve();
    const starts = join(tempDir(), "starts.txt");
    const doc = workflow("twice")
      .module("cmd", "jobs.Command", { command: `echo started >> ${starts}; sleep 1; echo done` })
      .module("log", "basic.Log")
      .connect("cmd.exitCode", "log.value")
      .build();
    const first = (await api.post("/api/runs", { workflow: doc })).body.runId as string;
    await waitUntil(() => lines(starts) === 1, "the command started");
    const second = (await api.post("/api/runs", { workflow: doc })).body.runId as string;
    const [a, b] = await Promise.all([api.finishedRun(first), api.finishedRun(second)]);
    expect([a.status, b.status]).toEqual(["completed", "completed"]);
    expect(lines(starts)).toBe(1);
    const { body } = await api.get("/api/jobs");
    expect(body.jobs).toHaveLength(1);
  });

  it("fails a module whose output cannot be stored, naming module and port, while GET, the WebSocket and a restart stay healthy", async () => {
    const dataDir = tempDir();
    const { server, api } = await serve(dataDir);
    writeFileSync(join(dataDir, "workspace", "deep.json"), `${"[".repeat(50_000)}${"]".repeat(50_000)}`);
    const events = await openEvents(server.url, { token: server.token });
    const doc = workflow("deep").module("read", "basic.ReadFile", { path: "deep.json", as: "json" }).build();
    const runId = (await api.post("/api/runs", { workflow: doc })).body.runId as string;
    const run = await api.finishedRun(runId);
    expect(run.status).toBe("failed");
    expect(run.modules.read.error).toMatchObject({ code: "output_not_storable", port: "content" });
    expect(run.modules.read.error.message).toMatch(/output "content" of module read cannot be stored/);
    await events.next(
      (m) => m.type === "run" && m.runId === runId && m.status === "failed",
      "the failure told",
    );

    // The same socket still carries the next run's events.
    const next = workflow("next").module("c", "basic.Constant", { value: 1 }).build();
    const nextRun = (await api.post("/api/runs", { workflow: next })).body.runId as string;
    await events.next(
      (m) => m.type === "run" && m.runId === nextRun && m.status === "completed",
      "the next run",
    );
    await events.close();

    await server.kill("SIGKILL");
    const again = await serve(dataDir);
    const after = await again.api.get(`/api/runs/${runId}`);
    expect(after.status).toBe(200);
    expect(after.body.status).toBe("failed");
  });
});
