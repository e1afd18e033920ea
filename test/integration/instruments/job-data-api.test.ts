/**
 * The data of a long acquisition through a real `labflow serve` and the real `labflow` command:
 * nothing is cut at the 8 MB of one JSON answer, and `maxPoints` opens a long job in one request.
 * The data file is written here (as a driver host would), beside a real job of the server.
 */
import { closeSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquireDataFolderLock, updateDataFolderOwner } from "../../../server/store/data-folder-lock.js";
import { labflow } from "../../helpers/labflow-cli.js";
import { type ServerProcess, startServerProcess } from "../../helpers/server-process.js";
import { tempDir } from "../../helpers/temp-dir.js";
import { waitUntil } from "../../helpers/wait-until.js";
import { workflow } from "../../helpers/workflow-builder.js";
import { type ApiClient, apiClient } from "../http/api-client.js";

/** About 11 MB of data file: more than one 8 MB answer. */
const READINGS = 150_000;
const T0 = Date.parse("2026-11-23T00:00:00Z");
const timeOf = (i: number) => new Date(T0 + i * 100).toISOString();

function writeData(jobDir: string): number {
  mkdirSync(jobDir, { recursive: true });
  writeFileSync(
    join(jobDir, "data.meta.json"),
    JSON.stringify({ columns: [{ name: "t" }, { name: "temperature", unit: "°C" }] }),
  );
  const file = join(jobDir, "data.ndjson");
  const fd = openSync(file, "w");
  let text = "";
  for (let i = 0; i < READINGS; i++) {
    text += `${JSON.stringify({ t: timeOf(i), temperature: i, setpoint: 35.5 })}\n`;
    if (text.length > 1 << 20) {
      writeSync(fd, text);
      text = "";
    }
  }
  writeSync(fd, text);
  closeSync(fd);
  return statSync(file).size;
}

describe("the data of a long acquisition", () => {
  let server: ServerProcess;
  let api: ApiClient;
  let jobId: string;
  let size: number;

  beforeAll(async () => {
    server = await startServerProcess();
    api = apiClient(server.url, { token: server.token });
    const doc = workflow("long").module("w", "jobs.Timer", { seconds: 3600 }).build();
    const { runId } = (await api.post("/api/runs", { workflow: doc })).body;
    const job = await waitUntil(
      async () => (await api.get(`/api/jobs?runId=${runId}`)).body.jobs[0],
      "the job to appear",
    );
    jobId = job.id;
    size = writeData(join(server.dataDir, "runs", runId, "jobs", jobId));
  });
  afterAll(() => server?.stop());

  it("answers the whole file as CSV with units, past 8 MB", async () => {
    const answer = await api.request("GET", `/api/jobs/${jobId}/data?format=csv`);
    expect(answer.status).toBe(200);
    const lines = (answer.body as string).trimEnd().split("\n");
    expect(lines[0]).toBe("t,temperature (°C),setpoint");
    expect(lines).toHaveLength(READINGS + 1);
    expect(lines[READINGS]).toBe(`${timeOf(READINGS - 1)},${READINGS - 1},35.5`);
    const missing = await api.request("GET", "/api/jobs/job-nope/data?format=csv");
    expect(missing.status).toBe(404);
    expect(JSON.stringify(missing.body)).toContain("job-nope");
  });

  it("decimates to maxPoints from an offset to the end, first and last kept", async () => {
    const all = (await api.get(`/api/jobs/${jobId}/data?maxPoints=500`)).body;
    expect(all.decimated).toBe(true);
    expect(all.readings).toHaveLength(500);
    expect(all.readings[0].temperature).toBe(0);
    expect(all.readings[499].temperature).toBe(READINGS - 1);
    expect(all.nextOffset).toBe(size);
    expect(all.units).toEqual({ temperature: "°C" });
    const json = (await api.get(`/api/jobs/${jobId}/data`)).body;
    expect(json.decimated).toBe(false);
    expect(json.nextOffset).toBeLessThan(size);
    const rest = (await api.get(`/api/jobs/${jobId}/data?maxPoints=1000000&offset=${json.nextOffset}`)).body;
    expect(rest.decimated).toBe(false);
    expect(json.readings.length + rest.readings.length).toBe(READINGS);
    expect(rest.nextOffset).toBe(size);
    const bad = await api.get(`/api/jobs/${jobId}/data?maxPoints=1`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain("maxPoints");
  });

  it("`labflow snapshot` writes every reading, as CSV and as JSON", async () => {
    const out = join(tempDir(), "snapshot.csv");
    const csv = await labflow(["snapshot", jobId, "--data", server.dataDir, "--out", out]);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout).toContain(`${READINGS} readings of job ${jobId}`);
    const lines = readFileSync(out, "utf8").trimEnd().split("\n");
    expect(lines[0]).toBe("t,temperature (°C),setpoint");
    expect(lines).toHaveLength(READINGS + 1);
    expect(lines[READINGS]).toBe(`${timeOf(READINGS - 1)},${READINGS - 1},35.5`);
    const outJson = join(tempDir(), "snapshot.json");
    const json = await labflow(["snapshot", jobId, "--json", "--data", server.dataDir, "--out", outJson]);
    expect(json.code, json.stderr).toBe(0);
    const data = JSON.parse(readFileSync(outJson, "utf8"));
    expect(data.readings).toHaveLength(READINGS);
    expect(data.nextOffset).toBe(size);
    expect(data.units).toEqual({ temperature: "°C" });
  });
});

describe("the CLI talking to something that is not labflow", () => {
  it("says the answer is not JSON, naming the address", async () => {
    const page = createServer((_req, res) =>
      res.writeHead(502, { "content-type": "text/html" }).end("<html>Bad Gateway</html>"),
    );
    await new Promise<void>((resolve) => page.listen(0, "127.0.0.1", resolve));
    try {
      const dataDir = tempDir();
      const url = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
      // The folder held as `labflow serve` holds it (by this process), naming that address.
      const lock = acquireDataFolderLock(dataDir);
      updateDataFolderOwner(dataDir, { url });
      const result = await labflow(["pipeline", "status", "--data", dataDir]).finally(() => lock.release());
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(`${url}/api/pipelines answered 502 with something that is not JSON`);
      expect(result.stderr).toContain("<html>Bad Gateway</html>");
      expect(result.stderr).not.toMatch(/SyntaxError|at .*\.js:\d+/);
    } finally {
      page.close();
    }
  });
});
