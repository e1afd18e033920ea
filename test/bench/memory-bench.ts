/**
 * Memory of a real `labflow serve` (RSS from /proc/<pid>/status) with a 10,000-module workflow of
 * built-in modules saved (PUT /api/workflows/NAME), run to completion (POST /api/runs, polled with
 * GET /api/runs/:id), and after one more GET of that run. Target: under 300 MB (Node-RED used
 * 1.78 GB for the same).
 */
import { readFileSync } from "node:fs";
import type { WorkflowDocumentInput } from "../../server/schema/workflow-document.js";
import { startServerProcess } from "../helpers/server-process.js";
import { waitFor } from "./bench-helpers.js";

export type MemoryBenchResult = {
  modules: number;
  /** RSS in MB of the server just started, idle. */
  idleMb: number;
  /** After the workflow was saved. */
  savedMb: number;
  /** After the run completed (its status polled with GET /api/runs/:id). */
  completedMb: number;
  /** After one more GET /api/runs/:id. */
  afterGetMb: number;
  /** The most the process held at any time (VmHWM). */
  peakMb: number;
  /** Run start to completed, by the client's clock. */
  runSeconds: number;
};

/** `n` built-in modules in a line: one = 1, m0 = 0, m_i = m_(i-1) + one (basic.Add). */
export function addChain(n: number): WorkflowDocumentInput {
  const modules: WorkflowDocumentInput["modules"] = [
    { id: "one", type: "basic.Constant", params: { value: 1 } },
    { id: "m0", type: "basic.Constant", params: { value: 0 } },
  ];
  const connections: NonNullable<WorkflowDocumentInput["connections"]> = [];
  for (let i = 1; i < n - 1; i++) {
    modules.push({ id: `m${i}`, type: "basic.Add" });
    connections.push(
      { from: { module: `m${i - 1}`, port: i === 1 ? "value" : "sum" }, to: { module: `m${i}`, port: "a" } },
      { from: { module: "one", port: "value" }, to: { module: `m${i}`, port: "b" } },
    );
  }
  return { version: 1, name: `add-chain-${n}`, modules, connections };
}

/** A value of /proc/<pid>/status in MB (e.g. VmRSS, VmHWM). */
export function statusMb(pid: number, field: "VmRSS" | "VmHWM"): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${field}:`));
  return Number(/(\d+)\s*kB/.exec(line ?? "")?.[1] ?? Number.NaN) / 1024;
}

export async function memoryBench(n = 10_000): Promise<MemoryBenchResult> {
  const server = await startServerProcess();
  try {
    const { url, authHeaders } = server;
    const request = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: body === undefined ? authHeaders : { ...authHeaders, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`bench: ${method} ${path}: ${response.status} ${text.slice(0, 500)}`);
      return JSON.parse(text) as Record<string, unknown>;
    };
    // Let start-up settle: the figure is the server at rest, not mid-boot.
    await new Promise((r) => setTimeout(r, 1_000));
    const idleMb = statusMb(server.pid, "VmRSS");
    const workflow = addChain(n);
    await request("PUT", `/api/workflows/${workflow.name}`, workflow);
    const savedMb = statusMb(server.pid, "VmRSS");
    const started = performance.now();
    const { runId } = (await request("POST", "/api/runs", { name: workflow.name })) as { runId: string };
    await waitFor(
      async () => {
        const { status } = (await request("GET", `/api/runs/${runId}`)) as { status: string };
        if (status === "failed" || status === "cancelled") throw new Error(`bench: the run ${status}`);
        return status === "completed";
      },
      "the run to complete",
      300_000,
    );
    const runSeconds = (performance.now() - started) / 1000;
    const completedMb = statusMb(server.pid, "VmRSS");
    await request("GET", `/api/runs/${runId}`);
    const afterGetMb = statusMb(server.pid, "VmRSS");
    return {
      modules: n,
      idleMb,
      savedMb,
      completedMb,
      afterGetMb,
      peakMb: statusMb(server.pid, "VmHWM"),
      runSeconds,
    };
  } finally {
    await server.stop();
  }
}
