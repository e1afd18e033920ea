/**
 * Sustained readings per second from one simulated instrument all the way to a browser's event
 * stream: simulator (socat pty) -> driver host -> data file -> instrument job in a real
 * `labflow serve` -> `job.data` events on the WebSocket. Counts what arrived against the data file
 * (loss) and checks the batches join without a gap. Target: 1,000 readings/s per device.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { WebSocket } from "ws";
import { parseDevicesText } from "../../server/devices/lab/devices-file.js";
import { DriverSupervisor } from "../../server/devices/lab/driver-supervisor.js";
import { cpuSeconds, waitFor } from "./bench-helpers.js";

const repoRoot = join(fileURLToPath(import.meta.url), "..", "..", "..");
const bin = join(repoRoot, "bin", "labflow.js");

export interface InstrumentsEventsBenchResult {
  samplingMs: number;
  seconds: number;
  /** Readings in the job's data file. */
  inFile: number;
  /** Readings the WebSocket client received for the job. */
  received: number;
  /** Batches that did not start where the previous one ended (must be 0). */
  gaps: number;
  events: number;
  /** Received readings per second of instrument time. */
  readingsPerSecond: number;
  /** From the task's end (last reading) to the last reading received by the client. */
  lagMs: number;
  serverCpuPercent: number;
}

export async function instrumentsEventsBench(
  root: string,
  seconds = 10,
  samplingMs = 1,
): Promise<InstrumentsEventsBenchResult> {
  if (!existsSync(join(repoRoot, "dist", "server", "cli.js")))
    throw new Error("bench instruments-events: build the server first (npm run build:server)");
  const dir = join(root, "instruments-events");
  const dataDir = join(dir, "data");
  mkdirSync(dataDir, { recursive: true });
  const sim = join(dir, "sim");
  const dev = join(dir, "dev");
  const devicesText = JSON.stringify({
    devices: [{ name: "sim", driver: "labflow-sim", address: dev, pollMs: 200 }],
    pipelines: [{ name: "p1", roles: { sensor: { device: "sim", channel: "1" } } }],
  });
  writeFileSync(join(dataDir, "devices.json"), devicesText);
  const children: ChildProcess[] = [];
  let socket: WebSocket | undefined;
  try {
    children.push(
      spawn("socat", [`pty,raw,echo=0,link=${sim}`, `pty,raw,echo=0,link=${dev}`], { stdio: "ignore" }),
    );
    await waitFor(() => existsSync(sim) && existsSync(dev), "socat's ptys");
    children.push(spawn(process.execPath, [bin, "simulate-instrument", "--port", sim], { stdio: "ignore" }));

    const server = spawn(process.execPath, [bin, "serve", "--data", dataDir, "--port", "0"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.push(server);
    let out = "";
    server.stdout!.setEncoding("utf8").on("data", (c: string) => (out += c));
    await waitFor(() => /listening on (http:\S+)/.test(out), "the server");
    const url = /listening on (http:\S+)/.exec(out)![1]!;
    const token = new URL(/open the editor: (http:\S+)/.exec(out)![1]!).searchParams.get("token")!;
    const auth = { authorization: `Bearer ${token}` };
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${url}${path}`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`bench: POST ${path}: ${response.status} ${await response.text()}`);
      return response.json() as Promise<Record<string, unknown>>;
    };
    await post("/api/pipelines/p1/load", { sample: "bench" });
    await post("/api/pipelines/p1/ready", {});

    let received = 0;
    let events = 0;
    let gaps = 0;
    let lastOffset = -1;
    let lastArrival = 0;
    let firstT = Number.NaN;
    let lastT = Number.NaN;
    let jobId: string | undefined;
    socket = new WebSocket(`${url.replace("http", "ws")}/api/events`, { headers: auth });
    socket.on("message", (raw) => {
      const message = JSON.parse(String(raw)) as {
        type: string;
        jobId?: string;
        offset?: number;
        nextOffset?: number;
        readings?: { t: string }[];
      };
      if (message.type !== "job.data" || !message.readings) return;
      jobId ??= message.jobId;
      if (message.jobId !== jobId) return;
      events++;
      if (lastOffset >= 0 && message.offset !== lastOffset) gaps++;
      lastOffset = message.nextOffset ?? -1;
      received += message.readings.length;
      if (message.readings.length > 0) {
        if (Number.isNaN(firstT)) firstT = Date.parse(message.readings[0]!.t);
        lastT = Date.parse(message.readings.at(-1)!.t);
        lastArrival = Date.now();
      }
    });
    await new Promise((resolve, reject) => socket!.once("open", resolve).once("error", reject));

    const cpuBefore = cpuSeconds(server.pid!);
    const started = performance.now();
    const workflow = {
      version: 1,
      name: "bench",
      modules: [
        {
          id: "acq",
          type: "instruments.Task",
          params: { role: "sensor", duration: seconds, samplingInterval: samplingMs / 1000 },
        },
      ],
    };
    const { runId } = (await post("/api/runs", { workflow })) as { runId: string };
    await waitFor(
      async () => {
        const run = (await (await fetch(`${url}/api/runs/${runId}`, { headers: auth })).json()) as {
          status: string;
        };
        if (run.status === "failed" || run.status === "cancelled")
          throw new Error(`bench: the run ${run.status}`);
        return run.status === "completed";
      },
      "the run to complete",
      seconds * 1000 + 60_000,
    );
    const dataFile = join(dataDir, "runs", runId, "jobs", jobId ?? "?", "data.ndjson");
    const inFile = readFileSync(dataFile, "utf8").trimEnd().split("\n").length;
    await waitFor(() => received >= inFile, "every reading on the WebSocket", 10_000).catch(() => undefined);
    const wallSeconds = (performance.now() - started) / 1000;
    return {
      samplingMs,
      seconds,
      inFile,
      received,
      gaps,
      events,
      readingsPerSecond: (received - 1) / ((lastT - firstT) / 1000),
      lagMs: lastArrival - lastT,
      serverCpuPercent: ((cpuSeconds(server.pid!) - cpuBefore) / wallSeconds) * 100,
    };
  } finally {
    socket?.close();
    for (const child of children.reverse()) child.kill("SIGTERM");
    // The driver host outlives the server by design: end it.
    const supervisor = await DriverSupervisor.start({
      dataDir,
      devices: parseDevicesText(devicesText),
    }).catch(() => undefined);
    await supervisor?.stopAll();
  }
}
