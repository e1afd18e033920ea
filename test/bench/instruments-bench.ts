/**
 * Sustained readings per second from one simulated instrument (a real process on a socat pty)
 * through the driver host (a real detached process) into the task's data file, with the CPU each
 * process spent. The target is 1,000 readings/s per device end to end (the browser event stream
 * part is measured by the pipeline bench).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseDevicesText } from "../../server/devices/lab/devices-file.js";
import { DriverSupervisor } from "../../server/devices/lab/driver-supervisor.js";
import { cpuSeconds, waitFor } from "./bench-helpers.js";

const repoRoot = join(fileURLToPath(import.meta.url), "..", "..", "..");
const target = { device: "sim", channel: "1" };

export type InstrumentsBenchResult = {
  samplingMs: number;
  seconds: number;
  readings: number;
  expected: number;
  readingsPerSecond: number;
  /** From the last reading's instrument timestamp to the task being completed with it on disk. */
  lagMs: number;
  hostCpuPercent: number;
  simulatorCpuPercent: number;
};

export async function instrumentsBench(
  root: string,
  seconds = 10,
  samplingMs = 1,
  round = 0,
): Promise<InstrumentsBenchResult> {
  if (!existsSync(join(repoRoot, "dist", "server", "devices", "host", "driver-host.js")))
    throw new Error("bench instruments: build the server first (npm run build:server)");
  const dir = join(root, `instruments-${round}`);
  const sim = join(dir, "sim");
  const dev = join(dir, "dev");
  const children: ChildProcess[] = [];
  let supervisor: DriverSupervisor | undefined;
  try {
    await import("node:fs").then((fs) => fs.mkdirSync(dir, { recursive: true }));
    const socat = spawn("socat", [`pty,raw,echo=0,link=${sim}`, `pty,raw,echo=0,link=${dev}`], {
      stdio: "ignore",
    });
    children.push(socat);
    await waitFor(() => existsSync(sim) && existsSync(dev), "socat's ptys");
    let simOutput = "";
    const simulator = spawn(
      process.execPath,
      [join(repoRoot, "bin", "labflow.js"), "simulate-instrument", "--port", sim],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    children.push(simulator);
    simulator.stdout!.setEncoding("utf8").on("data", (c: string) => (simOutput += c));
    await waitFor(() => simOutput.includes("listening on"), "the simulator");

    const devices = parseDevicesText(
      JSON.stringify({ devices: [{ name: "sim", driver: "labflow-sim", address: dev, pollMs: 200 }] }),
    );
    supervisor = await DriverSupervisor.start({ dataDir: join(dir, "data"), devices });
    const host = supervisor.forDevice("sim");
    const hostPid = supervisor.hostInfo("labflow-sim")!.pid;
    const dataFile = join(dir, "data", "bench.ndjson");
    const durationMs = seconds * 1000;

    const hostCpu = cpuSeconds(hostPid);
    const simCpu = cpuSeconds(simulator.pid!);
    const started = performance.now();
    await host.taskStart(target, {
      taskId: "bench",
      technique: "acquire",
      params: {},
      durationMs,
      samplingMs,
      dataFile,
    });
    let state = await host.taskStatus(target, "bench");
    await waitFor(
      async () => {
        state = await host.taskStatus(target, "bench");
        return state.state !== "running";
      },
      "the acquisition to end",
      durationMs + 60_000,
    );
    const endedAt = Date.now();
    const wallSeconds = (performance.now() - started) / 1000;
    if (state.state !== "completed")
      throw new Error(`bench: the task ended ${state.state}: ${state.message}`);
    const lines = readFileSync(dataFile, "utf8").trimEnd().split("\n");
    const first = Date.parse(JSON.parse(lines[0]!).t);
    const last = Date.parse(JSON.parse(lines.at(-1)!).t);
    return {
      samplingMs,
      seconds,
      readings: lines.length,
      expected: Math.round(durationMs / samplingMs),
      readingsPerSecond: (lines.length - 1) / ((last - first) / 1000),
      lagMs: endedAt - last,
      hostCpuPercent: ((cpuSeconds(hostPid) - hostCpu) / wallSeconds) * 100,
      simulatorCpuPercent: ((cpuSeconds(simulator.pid!) - simCpu) / wallSeconds) * 100,
    };
  } finally {
    await supervisor?.stopAll();
    for (const child of children.reverse()) child.kill("SIGTERM");
  }
}
