import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServerProcess } from "../../helpers/server-process.js";
import { waitUntil } from "../../helpers/wait-until.js";
import { workflow } from "../../helpers/workflow-builder.js";
import { type ApiClient, apiClient } from "./api-client.js";

describe("a job's log over HTTP", () => {
  let server: ServerProcess;
  let api: ApiClient;

  beforeAll(async () => {
    server = await startServerProcess();
    api = apiClient(server.url, { token: server.token });
    mkdirSync(join(server.dataDir, "workspace"), { recursive: true });
  });
  afterAll(() => server?.stop());

  it("tells the stream's size with the first read, so a viewer can start near its end", async () => {
    const doc = workflow("log")
      .module("c", "jobs.Command", {
        command: "head -c 3000 /dev/zero | tr '\\0' x; echo; echo last; sleep 60",
      })
      .build();
    const { runId } = (await api.post("/api/runs", { workflow: doc })).body;
    const job = await waitUntil(
      async () => (await api.get(`/api/jobs?runId=${runId}`)).body.jobs[0],
      "the job to appear",
    );
    const first = await waitUntil(async () => {
      const { body } = await api.get(`/api/jobs/${job.id}/log?stream=stdout&offset=0`);
      return body.text.includes("last") ? body : undefined;
    }, "the whole output on stdout");
    expect(first.size).toBe(3006);
    const tail = await api.get(`/api/jobs/${job.id}/log?stream=stdout&offset=${first.size - 5}`);
    expect(tail.body).toEqual({ text: "last\n", nextOffset: 3006 });
    expect((await api.post(`/api/jobs/${job.id}/cancel`)).body.job.state).toBe("cancelled");
  });
});
