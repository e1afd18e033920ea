/**
 * Instrument jobs on real parts: a real `labflow serve` process (SIGKILLed and restarted), a socat
 * pty pair, the simulated instrument as a real process, and the real detached driver host.
 */

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { DriverClient } from "../../../server/devices/lab/driver-client.js";
import { driverHostPaths } from "../../../server/devices/protocol/driver-host-paths.js";
import type { JobDataAnswer, PipelineStatusView } from "../../../server/schema/pipelines-api.js";
import { isFinishedJob, isFinishedRun } from "../../../server/schema/states.js";
import type { JobView, RunDetail } from "../../../server/schema/views.js";
import { endDriverHost } from "../../helpers/instrument-lab.js";
import { labflow } from "../../helpers/labflow-cli.js";
import { startPtyPair } from "../../helpers/pty-pair.js";
import { type ServerProcess, startServerProcess } from "../../helpers/server-process.js";
import { startSimulator } from "../../helpers/simulator-process.js";
import { tempDir } from "../../helpers/temp-dir.js";
import { waitUntil } from "../../helpers/wait-until.js";
import { workflow } from "../../helpers/workflow-builder.js";

const servers: ServerProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) await server.kill("SIGKILL");
  // The driver host outlives the server on purpose: the lab's cleanup ends it.
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A lab: pty pair, simulator, a data folder with devices.json naming the pty's computer end. */
async function lab(role = "sensor") {
  const pty = await startPtyPair();
  const sim = await startSimulator(pty.simPath, "furnace-sim");
  const dataDir = tempDir();
  const devicesText = JSON.stringify({
    devices: [{ name: "furnace", driver: "labflow-sim", address: pty.devPath, channels: ["1"], pollMs: 200 }],
    pipelines: [{ name: "p1", roles: { [role]: { device: "furnace", channel: "1" } } }],
  });
  writeFileSync(join(dataDir, "devices.json"), devicesText);
  cleanups.push(() => endDriverHost(dataDir));
  return { pty, sim, dataDir };
}

async function serve(dataDir: string): Promise<ServerProcess> {
  const server = await startServerProcess({ dataDir, args: ["--check-interval", "250"] });
  servers.push(server);
  return server;
}

async function api<T>(server: ServerProcess, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers:
      body === undefined ? server.authHeaders : { ...server.authHeaders, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = (await response.json()) as T;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

/** Loads S1 into p1 and marks it ready, with the real CLI acting through the server. */
async function loadAndReady(dataDir: string) {
  for (const args of [
    ["load", "p1", "S1"],
    ["ready", "p1"],
  ]) {
    const result = await labflow(["pipeline", ...args, "--data", dataDir]);
    expect(result.code, result.stderr).toBe(0);
  }
}

const acquisition = (seconds: number, interval: number) =>
  workflow("acquire")
    .module("acq", "instruments.Task", {
      role: "sensor",
      sample: "S1",
      duration: seconds,
      samplingInterval: interval,
    })
    .build();

function readingsIn(file: string): { t: string; temperature: number }[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

async function jobOf(server: ServerProcess, runId: string): Promise<JobView | undefined> {
  return (await api<{ jobs: JobView[] }>(server, "GET", `/api/jobs?runId=${runId}`)).jobs[0];
}

describe("instrument jobs through a real server", () => {
  it("completes a 20 s acquisition at 10 Hz with every reading although the server was SIGKILLed and restarted", async () => {
    const { dataDir } = await lab();
    let server = await serve(dataDir);
    await loadAndReady(dataDir);
    const { runId } = await api<{ runId: string }>(server, "POST", "/api/runs", {
      workflow: acquisition(20, 0.1),
    });
    const job = await waitUntil(async () => {
      const j = await jobOf(server, runId);
      return j?.state === "running" ? j : undefined;
    }, "the job to run");
    const dataFile = join(dataDir, "runs", runId, "jobs", job.id, "data.ndjson");

    // ~5 s in: a crash of the server, nothing flushed.
    await waitUntil(() => readingsIn(dataFile).length >= 50, "5 s of readings", 30_000, 100);
    await server.kill("SIGKILL");
    // The driver host keeps acquiring while no server runs; ~10 s in, the server comes back.
    await waitUntil(
      () => readingsIn(dataFile).length >= 100,
      "readings while the server is down",
      30_000,
      100,
    );
    server = await serve(dataDir);

    const run = await waitUntil(
      async () => {
        const view = await api<RunDetail>(server, "GET", `/api/runs/${runId}`);
        return isFinishedRun(view.status) ? view : undefined;
      },
      "the run to end",
      60_000,
      250,
    );
    expect(run.status, JSON.stringify(run.modules)).toBe("completed");
    const readings = readingsIn(dataFile);
    expect(Math.abs(readings.length - 200)).toBeLessThanOrEqual(1);
    const times = readings.map((r) => Date.parse(r.t));
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1] as number);

    // The dataset is the module's output (a CSV file with units, a preview table and the count);
    // the archive holds it too.
    const output = run.modules.acq?.outputs as {
      data: string;
      preview: { columns: { name: string; unit?: string }[]; rows: unknown[][] };
      readings: number;
      archive: string;
    };
    expect(output.readings).toBe(readings.length);
    expect(readFileSync(output.data, "utf8").trimEnd().split("\n")).toHaveLength(readings.length + 1);
    expect(output.preview.rows).toHaveLength(readings.length);
    expect(output.preview.columns).toContainEqual({ name: "temperature", unit: "°C" });
    const archived = unzipSync(readFileSync(output.archive));
    expect(Object.keys(archived).sort()).toEqual(["data.csv", "data.json", "job.log", "workflow.json"]);
    expect(
      strFromU8(archived["data.csv"] as Uint8Array)
        .trimEnd()
        .split("\n"),
    ).toHaveLength(readings.length + 1);
    const data = await api<JobDataAnswer>(server, "GET", `/api/jobs/${job.id}/data`);
    expect(data.readings).toHaveLength(readings.length);
    expect(data.units.temperature).toBe("°C");
    // Completed without asking to re-ready: the pipeline is free and waits for a person.
    expect(await api<PipelineStatusView>(server, "GET", "/api/pipelines/p1")).toMatchObject({
      sample: "S1",
      ready: false,
    });
  }, 120_000);

  it("answers pipeline refusals with 409 and the reason, unknown pipelines with 404, bad bodies with 400 naming the field", async () => {
    const { dataDir } = await lab();
    const server = await serve(dataDir);
    const post = (path: string, body?: unknown) =>
      fetch(`${server.url}/api/pipelines/${path}`, {
        method: "POST",
        headers: { ...server.authHeaders, "content-type": "application/json" },
        body: JSON.stringify(body ?? {}),
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    expect(await post("p1/ready")).toMatchObject({
      status: 409,
      body: { error: { code: "pipeline_empty" } },
    });
    expect(await post("p1/load", { sample: "S1" })).toMatchObject({ status: 200, body: { sample: "S1" } });
    expect(await post("p1/load", { sample: "S2" })).toMatchObject({
      status: 409,
      body: {
        error: { code: "pipeline_full", message: 'pipeline "p1" already holds sample "S1": eject it first' },
      },
    });
    expect(await post("p9/eject")).toMatchObject({
      status: 404,
      body: { error: { code: "pipeline_not_found" } },
    });
    expect(await post("p1/load", { sample: 3 })).toMatchObject({
      status: 400,
      body: { error: { field: "sample" } },
    });
  }, 120_000);

  it("cancel stops the acquisition on the instrument and frees the pipeline without re-readying it", async () => {
    const { dataDir, sim } = await lab();
    const server = await serve(dataDir);
    await loadAndReady(dataDir);
    const { runId } = await api<{ runId: string }>(server, "POST", "/api/runs", {
      workflow: acquisition(120, 0.1),
    });
    const job = await waitUntil(async () => {
      const j = await jobOf(server, runId);
      return j?.state === "running" ? j : undefined;
    }, "the job to run");
    await sim.waitForOutput(/started/i);
    // A reading on disk first: a cancel within the first sampling interval would keep none.
    const dataFile = join(dataDir, "runs", runId, "jobs", job.id, "data.ndjson");
    await waitUntil(() => readingsIn(dataFile).length > 0, "a first reading", 30_000, 50);
    const from = sim.output().length;

    await api(server, "POST", `/api/jobs/${job.id}/cancel`);
    await sim.waitForOutput(/stopped/i, { from });
    await waitUntil(
      async () => (await jobOf(server, runId))?.state === "cancelled",
      "the job to be cancelled",
    );
    // The pipeline is released once the job's end is handled: wait for it, then check all of it.
    const pipeline = await waitUntil(async () => {
      const p = await api<PipelineStatusView>(server, "GET", "/api/pipelines/p1");
      return p.jobId === undefined ? p : undefined;
    }, "the pipeline to be released");
    expect(pipeline).toMatchObject({ sample: "S1", ready: false });
    // The readings taken before the cancel are kept.
    const data = await api<JobDataAnswer>(server, "GET", `/api/jobs/${job.id}/data`);
    expect(data.readings.length).toBeGreaterThan(0);
  }, 120_000);

  it("keeps a job in qw until the pipeline is ready with its sample, then runs it", async () => {
    const { dataDir } = await lab();
    const server = await serve(dataDir);
    const { runId } = await api<{ runId: string }>(server, "POST", "/api/runs", {
      workflow: acquisition(1, 0.1),
    });
    const waiting = await waitUntil(async () => {
      const j = await jobOf(server, runId);
      return j?.state === "waiting" ? j : undefined;
    }, "the job to wait");
    expect(waiting.letter).toBe("qw");
    expect(waiting.message).toContain("p1 holds no sample");
    await loadAndReady(dataDir);
    const run = await waitUntil(
      async () => {
        const view = await api<RunDetail>(server, "GET", `/api/runs/${runId}`);
        return view.status === "completed" ? view : undefined;
      },
      "the run to complete",
      30_000,
      200,
    );
    expect(run.status).toBe("completed");
    // `labflow snapshot` (through the server) gives the data as CSV with units.
    const job = (await jobOf(server, runId)) as JobView;
    const snapshot = await labflow(["snapshot", job.id, "--data", dataDir]);
    expect(snapshot.code, snapshot.stderr).toBe(0);
    const lines = snapshot.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("t,temperature (°C),setpoint (°C)");
    expect(Math.abs(lines.length - 1 - 10)).toBeLessThanOrEqual(1);
  }, 120_000);

  it("streams every reading to WebSocket clients as job.data events, in file order, without gaps", async () => {
    const { dataDir } = await lab();
    const server = await serve(dataDir);
    await loadAndReady(dataDir);
    const socket = new WebSocket(`${server.url.replace("http", "ws")}/api/events`, {
      headers: server.authHeaders,
    });
    const events: {
      jobId: string;
      offset: number;
      nextOffset: number;
      readings: unknown[];
      units: Record<string, string>;
    }[] = [];
    socket.on("message", (raw) => {
      const message = JSON.parse(String(raw));
      if (message.type === "job.data") events.push(message);
    });
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    const { runId } = await api<{ runId: string }>(server, "POST", "/api/runs", {
      workflow: acquisition(3, 0.1),
    });
    await waitUntil(
      async () => (await api<RunDetail>(server, "GET", `/api/runs/${runId}`)).status === "completed",
      "the run to complete",
      30_000,
      200,
    );
    const job = (await jobOf(server, runId)) as JobView;
    const inFile = readingsIn(join(dataDir, "runs", runId, "jobs", job.id, "data.ndjson"));
    // The last batch may still be on its way when the run completes.
    await waitUntil(
      () => events.reduce((n, e) => n + e.readings.length, 0) >= inFile.length,
      "every reading streamed",
    );
    socket.close();
    const mine = events.filter((e) => e.jobId === job.id);
    expect(mine[0]?.offset).toBe(0);
    for (let i = 1; i < mine.length; i++) expect(mine[i]?.offset).toBe(mine[i - 1]?.nextOffset);
    expect(mine.flatMap((e) => e.readings)).toEqual(inFile);
    expect(mine.at(-1)?.units).toMatchObject({ temperature: "°C" });
  }, 120_000);

  it("runs the example workflows/instrument-demo.json to completed with the simulator, through `labflow run`", async () => {
    const { dataDir } = await lab("heater");
    await serve(dataDir);
    await loadAndReady(dataDir);
    const result = await labflow(["run", "workflows/instrument-demo.json", "--json", "--data", dataDir], {
      timeoutMs: 90_000,
    });
    expect(result.code, result.stderr).toBe(0);
    const run = JSON.parse(result.stdout.slice(result.stdout.indexOf("{")));
    expect(run.status).toBe("completed");
    expect(run.modules.setpoint.outputs.value).toBe(35);
    expect(run.modules.acquire.outputs.readings).toBeGreaterThanOrEqual(99);
    expect(run.modules.acquire.outputs.preview.rows.length).toBe(run.modules.acquire.outputs.readings);
    expect(run.modules.final.outputs.unit).toBe("°C");
    // The demo asks to re-ready the pipeline, so it can run again at once.
    await expect
      .poll(async () =>
        JSON.parse((await labflow(["pipeline", "status", "p1", "--json", "--data", dataDir])).stdout),
      )
      .toMatchObject({ sample: "S1", ready: true });
  }, 120_000);

  describe("faults", () => {
    async function runningAcquisition() {
      const setup = await lab();
      const server = await serve(setup.dataDir);
      await loadAndReady(setup.dataDir);
      const { runId } = await api<{ runId: string }>(server, "POST", "/api/runs", {
        workflow: acquisition(60, 0.1),
      });
      const job = await waitUntil(async () => {
        const j = await jobOf(server, runId);
        return j?.state === "running" ? j : undefined;
      }, "the job to run");
      const dataFile = join(setup.dataDir, "runs", runId, "jobs", job.id, "data.ndjson");
      await waitUntil(() => readingsIn(dataFile).length >= 10, "readings", 30_000, 100);
      const ended = () =>
        waitUntil(
          async () => {
            const j = await jobOf(server, runId);
            return j && isFinishedJob(j.state) ? j : undefined;
          },
          "the job to end",
          30_000,
          200,
        );
      return { ...setup, server, runId, job, dataFile, ended };
    }

    it("fails the job with a clear message when the serial link disappears, keeping the data and not re-readying", async () => {
      const { pty, server, dataFile, ended } = await runningAcquisition();
      await pty.kill();
      const job = await ended();
      expect(job.state).toBe("failed");
      expect(job.message).toContain("serial link");
      expect(readingsIn(dataFile).length).toBeGreaterThanOrEqual(10);
      await expect
        .poll(() => api<PipelineStatusView>(server, "GET", "/api/pipelines/p1"))
        .toMatchObject({
          ready: false,
        });
    }, 120_000);

    it("fails the job, never hangs, when its driver host is killed (the respawned host does not know the task)", async () => {
      const { dataDir, dataFile, ended } = await runningAcquisition();
      const client = await DriverClient.connect(driverHostPaths(dataDir, "labflow-sim").socket, {
        timeoutMs: 10_000,
      });
      const { pid } = await client.hello();
      client.close();
      process.kill(pid, "SIGKILL");
      const job = await ended();
      expect(job.state).toBe("failed");
      expect(job.message).toContain("no longer runs this task");
      expect(readingsIn(dataFile).length).toBeGreaterThanOrEqual(10);
    }, 120_000);
  });
});
