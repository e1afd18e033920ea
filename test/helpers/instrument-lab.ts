/**
 * A lab on real parts for instrument tests: socat pty pairs, simulated instruments as real
 * processes, a data folder with a devices file naming the ptys' computer ends, a real `labflow
 * serve`, and the cleanup of the detached driver host (it outlives the server on purpose).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DriverClient } from "../../server/devices/lab/driver-client.js";
import { driverHostPaths } from "../../server/devices/protocol/driver-host-paths.js";
import type { JobView, RunDetail } from "../../server/schema/views.js";
import { labflow } from "./labflow-cli.js";
import { type PtyPair, startPtyPair } from "./pty-pair.js";
import { type ServerProcess, startServerProcess } from "./server-process.js";
import { type SimulatorProcess, startSimulator } from "./simulator-process.js";
import { tempDir } from "./temp-dir.js";
import { waitUntil } from "./wait-until.js";

export interface Lab {
  dataDir: string;
  devices: Record<string, { pty: PtyPair; sim: SimulatorProcess; address: string }>;
  /** A `labflow serve` of the lab's data folder, with `env` added to its environment. */
  serve(env?: Record<string, string>): Promise<ServerProcess>;
  /** Writes the devices file (devices get their pty addresses). */
  writeDevices(pipelines: unknown[], channels?: Record<string, string[]>): void;
  cleanup(): Promise<void>;
}

/** Starts one simulated instrument per name; the devices file is written by `writeDevices`. */
export async function startLab(names: string[]): Promise<Lab> {
  const dataDir = tempDir();
  const devices: Lab["devices"] = {};
  const servers: ServerProcess[] = [];
  for (const name of names) {
    const pty = await startPtyPair();
    const sim = await startSimulator(pty.simPath, `${name}-sim`);
    devices[name] = { pty, sim, address: pty.devPath };
  }
  return {
    dataDir,
    devices,
    async serve(env) {
      const server = await startServerProcess({
        dataDir,
        args: ["--check-interval", "250"],
        ...(env ? { env } : {}),
      });
      servers.push(server);
      return server;
    },
    writeDevices(pipelines, channels = {}) {
      const text = JSON.stringify({
        devices: names.map((name) => ({
          name,
          driver: "labflow-sim",
          address: devices[name]?.address,
          channels: channels[name] ?? ["1"],
          pollMs: 200,
        })),
        pipelines,
      });
      writeFileSync(join(dataDir, "devices.json"), text);
    },
    async cleanup() {
      for (const server of servers.splice(0)) await server.kill("SIGKILL");
      await endDriverHost(dataDir);
      for (const device of Object.values(devices)) {
        await device.sim.stop();
        await device.pty.stop();
      }
    },
  };
}

/**
 * Ends the detached driver host by its pid (never spawning one). The host outlives the server on
 * purpose, so tests end it; the server may still be starting it when a test ends, so this waits
 * (up to `answerWithinMs`) until it answers.
 */
export async function endDriverHost(dataDir: string, answerWithinMs = 30_000): Promise<void> {
  const socket = driverHostPaths(dataDir, "labflow-sim").socket;
  const client = await waitUntil(
    () => DriverClient.connect(socket, { timeoutMs: 1000 }).catch(() => undefined),
    "the driver host to answer",
    answerWithinMs,
    100,
  ).catch(() => undefined);
  if (!client) return;
  const { pid } = await client.hello();
  client.close();
  process.kill(pid, "SIGTERM");
  await waitUntil(() => !running(pid), `driver host ${pid} to end`, 10_000, 50).catch(() =>
    process.kill(pid, "SIGKILL"),
  );
}

/** Alive and not a zombie (an orphan's exit may wait for a reaper that this container lacks). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

export interface ApiAnswer<T> {
  status: number;
  body: T;
}

export async function call<T>(
  server: ServerProcess,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiAnswer<T>> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers:
      body === undefined ? server.authHeaders : { ...server.authHeaders, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

export async function api<T>(
  server: ServerProcess,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const answer = await call<T>(server, method, path, body);
  if (answer.status >= 300)
    throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** Loads a sample and marks the pipeline ready, with the real CLI acting through the server. */
export async function loadAndReady(dataDir: string, pipeline: string, sample = "S1"): Promise<void> {
  for (const args of [
    ["load", pipeline, sample],
    ["ready", pipeline],
  ]) {
    const result = await labflow(["pipeline", ...args, "--data", dataDir]);
    if (result.code !== 0) throw new Error(`labflow pipeline ${args.join(" ")}: ${result.stderr}`);
  }
}

export async function jobsOf(server: ServerProcess, runId: string): Promise<JobView[]> {
  return (await api<{ jobs: JobView[] }>(server, "GET", `/api/jobs?runId=${runId}`)).jobs;
}

export async function jobInState(server: ServerProcess, runId: string, states: string[], what: string) {
  return waitUntil(
    async () => (await jobsOf(server, runId)).find((j) => states.includes(j.state)),
    what,
    60_000,
    200,
  );
}

export async function runEnded(server: ServerProcess, runId: string): Promise<RunDetail> {
  return waitUntil(
    async () => {
      const view = await api<RunDetail>(server, "GET", `/api/runs/${runId}`);
      return ["completed", "failed", "cancelled"].includes(view.status) ? view : undefined;
    },
    `run ${runId} to end`,
    90_000,
    250,
  );
}
