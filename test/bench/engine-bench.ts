/**
 * Engine cost per module on 10,000-module DAGs of trivial modules, cold and fully cached, including
 * persistence, against the floor of the same count of raw SQLite inserts.
 */

import { join } from "node:path";
import Database from "better-sqlite3";
import { z } from "zod";
import { defineModule } from "../../modules/sdk/define-module.js";
import { port } from "../../modules/sdk/port.js";
import { discoverBuiltinModules } from "../../modules/sdk/registry.js";
import { openRuntime } from "../../server/labflow-runtime.js";
import type { WorkflowDocumentInput } from "../../server/schema/workflow-document.js";

const inc = defineModule({
  type: "bench.Inc",
  version: 1,
  label: "Inc",
  description: "x + 1",
  inputs: { x: port.number() },
  outputs: { y: port.number() },
  params: z.object({ salt: z.number().default(0) }),
  compute: (ctx) => ({ y: ctx.inputs.x + 1 }),
});

/** n modules in a line: c -> i1 -> i2 -> ... */
export function chain(n: number, salt: number): WorkflowDocumentInput {
  const modules: WorkflowDocumentInput["modules"] = [
    { id: "m0", type: "basic.Constant", params: { value: salt } },
  ];
  const connections: NonNullable<WorkflowDocumentInput["connections"]> = [];
  for (let i = 1; i < n; i++) {
    modules.push({ id: `m${i}`, type: "bench.Inc", params: { salt } });
    connections.push({
      from: { module: `m${i - 1}`, port: i === 1 ? "value" : "y" },
      to: { module: `m${i}`, port: "x" },
    });
  }
  return { version: 1, name: `chain-${n}`, modules, connections };
}

/** One source, n/2 parallel Incs, then a binary tree of Adds back to one sum (n modules in all). */
export function fanOutFanIn(n: number, salt: number): WorkflowDocumentInput {
  const width = Math.floor(n / 2);
  const modules: WorkflowDocumentInput["modules"] = [
    { id: "src", type: "basic.Constant", params: { value: salt } },
  ];
  const connections: NonNullable<WorkflowDocumentInput["connections"]> = [];
  let layer: { module: string; port: string }[] = [];
  for (let i = 0; i < width; i++) {
    modules.push({ id: `w${i}`, type: "bench.Inc", params: { salt } });
    connections.push({ from: { module: "src", port: "value" }, to: { module: `w${i}`, port: "x" } });
    layer.push({ module: `w${i}`, port: "y" });
  }
  let adds = 0;
  while (layer.length > 1) {
    const next: typeof layer = [];
    for (let i = 0; i + 1 < layer.length; i += 2) {
      const id = `a${adds++}`;
      modules.push({ id, type: "basic.Add" });
      connections.push({ from: layer[i] as { module: string; port: string }, to: { module: id, port: "a" } });
      connections.push({
        from: layer[i + 1] as { module: string; port: string },
        to: { module: id, port: "b" },
      });
      next.push({ module: id, port: "sum" });
    }
    if (layer.length % 2) next.push(layer[layer.length - 1] as { module: string; port: string });
    layer = next;
  }
  return { version: 1, name: `fan-${n}`, modules, connections };
}

/** One figure: wall and process CPU time (user + system, GC and SQLite included) of one run. */
export interface Timing {
  ms: number;
  cpuMs: number;
}

/**
 * A collected heap, and a moment for V8's background threads to finish sweeping it: their CPU time
 * is the process's, and would otherwise be charged to the next figure.
 */
async function settledHeap(): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((resolve) => setTimeout(resolve, 100));
}

/** Wall and CPU time of `work`. CPU is the process's, so other engineers' benches do not count. */
async function timed(work: () => Promise<void> | void): Promise<Timing> {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  await work();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000 };
}

/** The cases: each runs cold (new data folder), then again unchanged (every module a cache hit). */
export const ENGINE_CASES = [
  ["chain", chain],
  ["fan-out/fan-in", fanOutFanIn],
] as const;

/**
 * One round of every case: `{ "chain, cold": timing, "chain, cached": timing, ... }`. Each round has
 * its own data folders, so each cold run is cold.
 */
export async function engineBenchRound(
  dataRoot: string,
  round: number,
  n = 10_000,
): Promise<Record<string, Timing>> {
  const figures: Record<string, Timing> = {};
  for (const [name, make] of ENGINE_CASES) {
    const registry = await discoverBuiltinModules();
    registry.register(inc);
    const dataDir = join(dataRoot, `${name.replace(/\W/g, "-")}-${round}`);
    const runtime = await openRuntime({ dataDir, registry });
    const document = make(n, 1);
    for (const phase of ["cold", "cached"] as const) {
      await settledHeap();
      let runId = "";
      figures[`${name}, ${phase}`] = await timed(async () => {
        runId = runtime.engine.startRun(document).runId;
        const status = await runtime.engine.waitForRun(runId);
        if (status !== "completed")
          throw new Error(`${name} ${phase} run ended ${status}: ${runtime.engine.getRun(runId).message}`);
      });
    }
    runtime.close();
  }
  return figures;
}

/** The floor: the same count of raw inserts of a similar row in one transaction (and one by one). */
export async function rawInsertFloor(
  dataRoot: string,
  round: number,
  n = 10_000,
): Promise<Record<string, Timing>> {
  const db = new Database(join(dataRoot, `raw-${round}.db`));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec("CREATE TABLE cache (signature TEXT PRIMARY KEY, module_type TEXT, outputs TEXT, created_at TEXT)");
  const insert = db.prepare("INSERT INTO cache VALUES (?, ?, ?, ?)");
  const row = (i: number, tag: string) => [
    `${tag}-${i.toString(16).padStart(64, "0")}`,
    "bench.Inc",
    `{"y":${i}}`,
    new Date().toISOString(),
  ];
  await settledHeap();
  const inTransaction = await timed(() =>
    db.transaction(() => {
      for (let i = 0; i < n; i++) insert.run(...row(i, "tx"));
    })(),
  );
  const oneByOne = await timed(() => {
    for (let i = 0; i < n; i++) insert.run(...row(i, "single"));
  });
  db.close();
  return { "raw inserts, one transaction": inTransaction, "raw inserts, one commit each": oneByOne };
}
