/**
 * The job lifecycle against random histories, on the real engine, monitor and SQLite store: runs
 * started (the same workflow again too), fast and slow starts, check answers (running, finished,
 * failed, throwing), pause, check-now, check-all, cancel of runs and of jobs, resume, and a crash
 * of the whole server (queued writes lost) followed by a restore, at any point.
 *
 * The seed is printed; rerun a failure with FC_SEED=<seed>.
 */
import { rmSync } from "node:fs";
import Database from "better-sqlite3";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModuleRegistry } from "../../../modules/sdk/registry.js";
import { discoverBuiltinModules } from "../../../modules/sdk/registry.js";
import { Engine } from "../../../server/engine/engine.js";
import type { EngineEvent } from "../../../server/engine/engine-events.js";
import type { ModuleStatus } from "../../../server/engine/records.js";
import { JobMonitor } from "../../../server/jobs/job-monitor.js";
import { isFinishedJob as isFinalJobState } from "../../../server/schema/states.js";
import { openSqliteStore, type SqliteStore } from "../../../server/store/sqlite-store.js";
import { tempDir } from "../../helpers/temp-dir.js";
import { WorkWorld } from "../../helpers/work-world.js";
import { workflow } from "../../helpers/workflow-builder.js";

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`job lifecycle properties: seed ${seed} (rerun with FC_SEED=${seed})`);
const HISTORIES = Number(process.env.FC_RUNS ?? 500);

const RESOLVED: ReadonlySet<ModuleStatus> = new Set(["done", "cached", "failed", "skipped", "cancelled"]);

const WORKFLOWS = [
  workflow("fast")
    .module("a", "test.Work", { n: 1 })
    .module("log", "basic.Log")
    .connect("a.value", "log.value"),
  workflow("slow")
    .module("a", "test.Work", { n: 2, slow: true })
    .module("log", "basic.Log")
    .connect("a.value", "log.value"),
  // Two modules alike in every way share one job; a third has work of its own.
  workflow("pair")
    .module("a", "test.Work", { n: 2, slow: true })
    .module("b", "test.Work", { n: 2, slow: true })
    .module("c", "test.Work", { n: 3 }),
].map((w) => w.build());

type Action =
  | { t: "run"; variant: number; autoResume: boolean }
  | { t: "release" }
  | { t: "work"; pick: number; outcome: "finished" | "failed" | "unreachable" | "reachable" | "clocked" }
  | { t: "check"; pick: number }
  /** The outside work ends well and the monitor sees it at once. */
  | { t: "complete"; pick: number }
  | { t: "checkRun"; pick: number }
  | { t: "pause"; pick: number; on: boolean }
  | { t: "cancelRun"; pick: number }
  | { t: "cancelJob"; pick: number }
  | { t: "resume"; pick: number }
  | { t: "crash" };

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant("run" as const),
      variant: fc.nat(WORKFLOWS.length - 1),
      autoResume: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ t: "release" as const }) },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant("work" as const),
      pick: fc.nat(),
      outcome: fc.constantFrom(
        "finished" as const,
        "failed" as const,
        "unreachable" as const,
        "reachable" as const,
        "clocked" as const,
      ),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("check" as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("complete" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("checkRun" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("pause" as const), pick: fc.nat(), on: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("cancelRun" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("cancelJob" as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("resume" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ t: "crash" as const }) },
);

/** One server process over the data folder: it can crash, after which it does nothing more. */
interface Process {
  engine: Engine;
  monitor: JobMonitor;
  store: SqliteStore;
  crash(): void;
  close(): void;
}

/** Answers of a dead process's store: it reads nothing and writes nothing. */
function deadAnswer(method: string): unknown {
  if (["listJobs", "jobsWithSignature", "modules", "unfinishedRuns", "listRuns", "runLog"].includes(method))
    return [];
  if (method === "cachedOutputs") return new Map();
  return undefined;
}

/** The store as a process sees it: after a crash every call does nothing, as in a dead process. */
function crashableStore(store: SqliteStore): { store: SqliteStore; crash(): void } {
  let dead = false;
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => (dead ? deadAnswer(String(property)) : value.apply(target, args));
    },
  });
  return {
    store: proxy,
    crash() {
      dead = true;
      store.closeAsIfCrashed();
    },
  };
}

const pick = <T>(items: readonly T[], index: number): T | undefined =>
  items.length === 0 ? undefined : items[index % items.length];
const turns = async (n = 4) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe("the job lifecycle under random histories", () => {
  let registry: ModuleRegistry;
  const world = new WorkWorld();

  beforeAll(async () => {
    registry = await discoverBuiltinModules();
    registry.register(world.module());
  });

  afterAll(() => world.reset());

  it(`keeps its invariants over ${HISTORIES} generated histories`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 24 }), async (actions) => {
        world.reset();
        const dataDir = tempDir();
        const violations: string[] = [];
        /** Per process and module: the resolved status it was seen in, which must never change. */
        let resolvedSeen = new Map<string, ModuleStatus>();
        let crashed = false;

        const open = (): Process => {
          const raw = openSqliteStore(dataDir);
          const { store, crash } = crashableStore(raw);
          const engine = new Engine({ store, registry, dataDir, maxConcurrency: 4 });
          const monitor = new JobMonitor({
            store,
            registry,
            events: engine.events,
            jobDir: (job) => engine.jobDir(job),
            onSettled: (job) => engine.jobSettled(job),
            onProgress: (job) => engine.jobProgressed(job),
            globalInterval: "off",
            maxFailedChecks: 3,
          });
          engine.attachJobTracker(monitor);
          resolvedSeen = new Map();
          const seen = resolvedSeen;
          const stopListening = engine.events.on((event: EngineEvent) => {
            // A final job's progress stays where it ended: it never moves with a clock.
            if (event.type === "job" && isFinalJobState(event.job.state) && event.job.progressClock)
              violations.push(`job ${event.job.id} is ${event.job.state}, its progress still on a clock`);
            if (event.type !== "module") return;
            const key = `${event.runId}/${event.moduleId}`;
            const earlier = seen.get(key);
            if (earlier && earlier !== event.status)
              violations.push(`module ${key} was resolved ${earlier}, then became ${event.status}`);
            if (RESOLVED.has(event.status)) seen.set(key, event.status);
          });
          engine.restore();
          return {
            engine,
            monitor,
            store,
            crash() {
              stopListening();
              world.epoch++;
              crash();
              monitor.stop();
            },
            close() {
              stopListening();
              monitor.stop();
              raw.close();
            },
          };
        };

        let server = open();
        const runIds: string[] = [];
        /** Jobs a cancel reached (recorded cancelling or cancelled): they must end cancelled. */
        const cancelReached = new Set<string>();
        const noteCancels = () => {
          for (const job of server.store.listJobs())
            if (job.state === "cancelling" || job.state === "cancelled") cancelReached.add(job.id);
        };
        const jobIds = () => server.store.listJobs().map((j) => j.id);
        const ignore = async (work: () => unknown) => {
          try {
            await work();
          } catch {
            // refusals (a run already over, a job already final) are answers, not failures
          }
        };

        for (const a of actions) {
          switch (a.t) {
            case "run":
              runIds.push(server.engine.startRun(WORKFLOWS[a.variant], { autoResume: a.autoResume }).runId);
              break;
            case "release":
              world.releaseStarts();
              break;
            case "work": {
              const w = pick(world.running(), a.pick);
              if (!w) break;
              if (a.outcome === "unreachable") w.unreachable = true;
              else if (a.outcome === "reachable") w.unreachable = false;
              else if (a.outcome === "clocked") w.clocked = true;
              else w.state = a.outcome;
              break;
            }
            case "complete": {
              const w = pick(world.running(), a.pick);
              if (!w) break;
              w.state = "finished";
              await ignore(() => server.monitor.checkNow(w.jobId));
              break;
            }
            case "check": {
              const id = pick(jobIds(), a.pick);
              if (id) await ignore(() => server.monitor.checkNow(id));
              break;
            }
            case "checkRun": {
              const id = pick(runIds, a.pick);
              if (id) await ignore(() => server.monitor.checkRun(id));
              break;
            }
            case "pause": {
              const id = pick(jobIds(), a.pick);
              if (id) await ignore(() => (a.on ? server.monitor.pause(id) : server.monitor.resume(id)));
              break;
            }
            case "cancelRun": {
              const id = pick(runIds, a.pick);
              if (id) await ignore(() => server.engine.cancelRun(id));
              noteCancels();
              break;
            }
            case "cancelJob": {
              const id = pick(jobIds(), a.pick);
              if (id) await ignore(() => server.monitor.cancelJob(id));
              noteCancels();
              break;
            }
            case "resume": {
              const id = pick(runIds, a.pick);
              if (id) await ignore(() => server.engine.resumeRun(id));
              break;
            }
            case "crash":
              crashed = true;
              server.crash();
              server = open();
              break;
          }
          await turns();
        }

        // Let everything end: held starts released, every piece of work finishes, runs resumed.
        for (const w of world.works.values()) w.unreachable = false;
        for (let round = 0; round < 60 && server.store.unfinishedRuns().length > 0; round++) {
          world.releaseStarts();
          for (const w of world.running()) w.state = "finished";
          for (const job of server.monitor.list())
            if (!isFinalJobState(job.state) && job.params !== null)
              await ignore(() => server.monitor.checkNow(job.id));
          for (const run of server.store.unfinishedRuns())
            await ignore(() => server.engine.resumeRun(run.id));
          await turns();
        }

        for (const [key, calls] of world.startCalls)
          if (calls > 1) violations.push(`job ${key} was started ${calls} times in one process`);
        if (world.maxConcurrentPerSignature > 1)
          violations.push(`${world.maxConcurrentPerSignature} pieces of the same work ran at once`);
        for (const run of server.store.unfinishedRuns())
          violations.push(`run ${run.id} is still ${run.status} after every job ended`);
        for (const job of server.store.listJobs()) {
          if (!isFinalJobState(job.state)) violations.push(`job ${job.id} is still ${job.state}`);
          if (cancelReached.has(job.id) && job.state !== "cancelled")
            violations.push(`job ${job.id} was being cancelled, then ended ${job.state}`);
          const work = world.works.get(job.id);
          if (job.state === "cancelled" && work) {
            if (work.cancels < 1)
              violations.push(`job ${job.id} is cancelled but its work was never asked to stop`);
            if (!crashed && work.cancels > 1)
              violations.push(`job ${job.id}'s work was cancelled ${work.cancels} times`);
          }
        }
        server.close();
        const db = new Database(`${dataDir}/labflow.db`, { readonly: true });
        const integrity = db.pragma("integrity_check", { simple: true });
        db.close();
        if (integrity !== "ok") violations.push(`integrity_check: ${String(integrity)}`);
        rmSync(dataDir, { recursive: true, force: true });
        expect(violations).toEqual([]);
      }),
      { seed, numRuns: HISTORIES },
    );
  }, 600_000);
});
