/**
 * Sustained readings per second from simulated instruments all the way to a browser's event
 * stream: simulators (socat ptys) -> driver host -> data files -> one instrument job per instrument
 * in ONE real `labflow serve` -> `job.data` events on ONE WebSocket. Counts what arrived against
 * each data file (loss), checks each job's batches join without a gap, and takes the CPU of the
 * server, the driver host and the simulators from /proc. Targets: 1,000 readings/s per instrument
 * with 0 lost, and the server under 30 % of one core for 10 instruments at once.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { WebSocket } from "ws";
import { DriverClient } from "../../server/devices/lab/driver-client.js";
import { driverHostPaths } from "../../server/devices/protocol/driver-host-paths.js";
import { endDriverHost } from "../helpers/instrument-lab.js";
import { type PtyPair, startPtyPair } from "../helpers/pty-pair.js";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import { type SimulatorProcess, startSimulator } from "../helpers/simulator-process.js";
import { cpuSeconds, median, waitFor } from "./bench-helpers.js";

export type InstrumentsEventsBenchResult = {
  instruments: number;
  samplingMs: number;
  seconds: number;
  /** Readings in the jobs' data files, all instruments. */
  inFile: number;
  /** Readings the WebSocket client received, all instruments. */
  received: number;
  /** Readings in a data file the client never received, summed over the instruments (target 0). */
  lost: number;
  /** Batches that did not start where the job's previous one ended (must be 0). */
  gaps: number;
  events: number;
  /** Readings/s received, all instruments, by the client's clock (first to last batch). */
  readingsPerSecond: number;
  /** The slowest and the median instrument's readings/s, by the client's clock. */
  slowestInstrumentPerSecond: number;
  medianInstrumentPerSecond: number;
  /** The worst instrument's lag: from its last reading's timestamp to the client receiving it. */
  lagMs: number;
  /** CPU over the run (start to all completed), % of one core. */
  serverCpuPercent: number;
  hostCpuPercent: number;
  simulatorsCpuPercent: number;
};

/** The client-side figures of a run nobody watched. */
const unwatched = {
  received: 0,
  lost: 0,
  gaps: 0,
  events: 0,
  readingsPerSecond: 0,
  slowestInstrumentPerSecond: 0,
  medianInstrumentPerSecond: 0,
  lagMs: 0,
};

interface PerJob {
  received: number;
  events: number;
  gaps: number;
  lastOffset: number;
  firstArrival: number;
  firstBatch: number;
  lastArrival: number;
  lastT: number;
}

export async function instrumentsEventsBench(
  root: string,
  options: {
    instruments?: number;
    seconds?: number;
    samplingMs?: number;
    round?: number;
    /** false: no WebSocket client at all (a lab nobody watches); only the CPU and files count. */
    watched?: boolean;
  } = {},
): Promise<InstrumentsEventsBenchResult> {
  const { instruments = 1, seconds = 10, samplingMs = 1, round = 0, watched = true } = options;
  const dir = join(root, `instruments-events-${instruments}-${round}`);
  const dataDir = join(dir, "data");
  const names = Array.from({ length: instruments }, (_, i) => `sim${i + 1}`);
  const ptys: PtyPair[] = [];
  const sims: SimulatorProcess[] = [];
  let server: ServerProcess | undefined;
  let socket: WebSocket | undefined;
  try {
    for (const name of names) {
      mkdirSync(join(dir, name), { recursive: true });
      const pty = await startPtyPair({ dir: join(dir, name) });
      ptys.push(pty);
      sims.push(await startSimulator(pty.simPath, name));
    }
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(
      join(dataDir, "devices.json"),
      JSON.stringify({
        devices: names.map((name, i) => ({
          name,
          driver: "labflow-sim",
          address: ptys[i]!.devPath,
          pollMs: 200,
        })),
        pipelines: names.map((name) => ({ name: `p-${name}`, roles: { sensor: { device: name } } })),
      }),
    );
    // LABFLOW_BENCH_CPU_PROF=DIR: the server writes a .cpuprofile there when it ends.
    const profileDir = process.env.LABFLOW_BENCH_CPU_PROF;
    server = await startServerProcess({
      dataDir,
      ...(profileDir ? { nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] } : {}),
    });
    const { url, authHeaders: auth } = server;
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${url}${path}`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`bench: POST ${path}: ${response.status} ${await response.text()}`);
      return response.json() as Promise<Record<string, unknown>>;
    };
    for (const name of names) {
      await post(`/api/pipelines/p-${name}/load`, { sample: `bench-${name}` });
      await post(`/api/pipelines/p-${name}/ready`, {});
    }

    const jobs = new Map<string, PerJob>();
    const runStatus = new Map<string, string>();
    if (watched) socket = new WebSocket(`${url.replace("http", "ws")}/api/events`, { headers: auth });
    socket?.on("message", (raw) => {
      const message = JSON.parse(String(raw)) as {
        type: string;
        runId?: string;
        status?: string;
        jobId?: string;
        offset?: number;
        nextOffset?: number;
        readings?: { t: string }[];
      };
      if (message.type === "run" && message.runId && message.status)
        runStatus.set(message.runId, message.status);
      if (message.type !== "job.data" || !message.readings || !message.jobId) return;
      const now = Date.now();
      let job = jobs.get(message.jobId);
      if (!job) {
        job = {
          received: 0,
          events: 0,
          gaps: 0,
          lastOffset: -1,
          firstArrival: now,
          firstBatch: 0,
          lastArrival: now,
          lastT: 0,
        };
        job.firstBatch = message.readings.length;
        jobs.set(message.jobId, job);
      }
      job.events++;
      if (job.lastOffset >= 0 && message.offset !== job.lastOffset) job.gaps++;
      job.lastOffset = message.nextOffset ?? -1;
      job.received += message.readings.length;
      if (message.readings.length > 0) {
        job.lastT = Date.parse(message.readings.at(-1)!.t);
        job.lastArrival = now;
      }
    });
    if (socket) await new Promise((resolve, reject) => socket!.once("open", resolve).once("error", reject));

    // Only the server is running yet: its idle cost is part of the figure, as in a lab.
    const hostPid = await driverHostPid(dataDir);
    const cpuOf = () => ({
      server: cpuSeconds(server!.pid),
      host: hostPid ? cpuSeconds(hostPid) : Number.NaN,
      sims: sims.reduce((sum, sim) => sum + cpuSeconds(sim.pid), 0),
    });
    const cpuBefore = cpuOf();
    const started = performance.now();
    const workflow = {
      version: 1,
      name: "bench",
      modules: names.map((name) => ({
        id: `acq-${name}`,
        type: "instruments.Task",
        params: {
          role: "sensor",
          pipeline: `p-${name}`,
          duration: seconds,
          samplingInterval: samplingMs / 1000,
        },
      })),
    };
    const { runId } = (await post("/api/runs", { workflow })) as { runId: string };
    // The run's end is heard on the WebSocket, as a browser hears it: polling GET /api/runs/:id
    // every 20 ms would cost the server more than the readings do (unwatched: asked once a second).
    let asked = 0;
    await waitFor(
      async () => {
        if (!socket && Date.now() - asked >= 1_000) {
          asked = Date.now();
          const run = await (await fetch(`${url}/api/runs/${runId}`, { headers: auth })).json();
          runStatus.set(runId, (run as { status: string }).status);
        }
        const status = runStatus.get(runId);
        if (status === "failed" || status === "cancelled") throw new Error(`bench: the run ${status}`);
        return status === "completed";
      },
      "the run to complete",
      seconds * 1000 + 120_000,
    );
    const cpuAfter = cpuOf();
    const wallSeconds = (performance.now() - started) / 1000;

    const inFileOf = (jobId: string) =>
      readFileSync(join(dataDir, "runs", runId, "jobs", jobId, "data.ndjson"), "utf8")
        .trimEnd()
        .split("\n").length;
    if (!socket) {
      const jobIds = readdirSync(join(dataDir, "runs", runId, "jobs"));
      return {
        ...unwatched,
        instruments,
        samplingMs,
        seconds,
        inFile: jobIds.reduce((sum, id) => sum + inFileOf(id), 0),
        serverCpuPercent: ((cpuAfter.server - cpuBefore.server) / wallSeconds) * 100,
        hostCpuPercent: ((cpuAfter.host - cpuBefore.host) / wallSeconds) * 100,
        simulatorsCpuPercent: ((cpuAfter.sims - cpuBefore.sims) / wallSeconds) * 100,
      };
    }
    if (jobs.size !== instruments)
      throw new Error(`bench: job.data events came for ${jobs.size} jobs, not ${instruments}`);
    const inFile = new Map([...jobs.keys()].map((id) => [id, inFileOf(id)]));
    const receivedAll = () => [...jobs].every(([id, job]) => job.received >= inFile.get(id)!);
    await waitFor(receivedAll, "every reading on the WebSocket", 10_000).catch(() => undefined);

    const perJob = [...jobs.values()];
    const rates = perJob.map(
      (job) => (job.received - job.firstBatch) / Math.max(0.001, (job.lastArrival - job.firstArrival) / 1000),
    );
    const firstArrival = Math.min(...perJob.map((j) => j.firstArrival));
    const lastArrival = Math.max(...perJob.map((j) => j.lastArrival));
    const firstBatches = perJob.reduce((sum, j) => sum + j.firstBatch, 0);
    const received = perJob.reduce((sum, j) => sum + j.received, 0);
    return {
      instruments,
      samplingMs,
      seconds,
      inFile: [...inFile.values()].reduce((a, b) => a + b, 0),
      received,
      lost: [...jobs].reduce((sum, [id, job]) => sum + Math.max(0, inFile.get(id)! - job.received), 0),
      gaps: perJob.reduce((sum, j) => sum + j.gaps, 0),
      events: perJob.reduce((sum, j) => sum + j.events, 0),
      readingsPerSecond: (received - firstBatches) / Math.max(0.001, (lastArrival - firstArrival) / 1000),
      slowestInstrumentPerSecond: Math.min(...rates),
      medianInstrumentPerSecond: median(rates),
      lagMs: Math.max(...perJob.map((j) => j.lastArrival - j.lastT)),
      serverCpuPercent: ((cpuAfter.server - cpuBefore.server) / wallSeconds) * 100,
      hostCpuPercent: ((cpuAfter.host - cpuBefore.host) / wallSeconds) * 100,
      simulatorsCpuPercent: ((cpuAfter.sims - cpuBefore.sims) / wallSeconds) * 100,
    };
  } finally {
    socket?.close();
    // SIGKILL: a bench leaves nothing to flush (but a profile is written at a clean exit); the
    // driver host outlives the server by design.
    await server?.kill(process.env.LABFLOW_BENCH_CPU_PROF ? "SIGTERM" : "SIGKILL");
    await endDriverHost(dataDir, 5_000).catch(() => undefined);
    for (const sim of sims) await sim.stop();
    for (const pty of ptys) await pty.stop();
  }
}

/** The pid of the driver host the server spawned (it answers `hello` with it), if it is up. */
async function driverHostPid(dataDir: string): Promise<number | undefined> {
  const socketPath = driverHostPaths(dataDir, "labflow-sim").socket;
  let pid: number | undefined;
  await waitFor(
    async () => {
      const client = await DriverClient.connect(socketPath, { timeoutMs: 1000 }).catch(() => undefined);
      if (!client) return false;
      pid = (await client.hello()).pid;
      client.close();
      return true;
    },
    "the driver host",
    30_000,
  );
  return pid;
}
