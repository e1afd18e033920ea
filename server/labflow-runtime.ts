import { join, resolve } from "node:path";
import type { ModuleRegistry } from "../modules/sdk/registry.js";
import { discoverBuiltinModules } from "../modules/sdk/registry.js";
import { Engine } from "./engine/engine.js";
import type { Store } from "./engine/store.js";
import type { GlobalCheckInterval } from "./jobs/check-interval.js";
import { JobMonitor } from "./jobs/job-monitor.js";
import { acquireDataFolderLock } from "./store/data-folder-lock.js";
import { openSqliteStore } from "./store/sqlite-store.js";

export interface RuntimeOptions {
  /** The data folder (SQLite store, runs, jobs, workspace). */
  dataDir: string;
  workspaceDir?: string;
  globalInterval?: GlobalCheckInterval;
  maxConcurrency?: number;
  /** Extra modules (tests, plugins) besides the built-in packages. */
  registry?: ModuleRegistry;
  /**
   * Continue every unfinished run (default true). Commands that only look or act on one job open
   * the data folder without it, so they never half-run a run and leave.
   */
  restore?: boolean;
}

/** A running labflow: the engine, the job monitor and the store they share, owning a data folder. */
export interface LabflowRuntime {
  dataDir: string;
  engine: Engine;
  monitor: JobMonitor;
  store: Store;
  registry: ModuleRegistry;
  /** Stops checking, writes what is pending and releases the data folder. Jobs keep running outside. */
  close(): void;
}

/**
 * The composition root: takes the data folder's lock, opens the store, finds the modules, wires
 * the engine to the job monitor and continues every unfinished run.
 */
export async function openRuntime(options: RuntimeOptions): Promise<LabflowRuntime> {
  const dataDir = resolve(options.dataDir);
  const lock = acquireDataFolderLock(dataDir);
  let store: Store | undefined;
  try {
    store = openSqliteStore(dataDir);
    const registry = options.registry ?? (await discoverBuiltinModules());
    const engine = new Engine({
      store,
      registry,
      dataDir,
      workspaceDir: options.workspaceDir ?? join(dataDir, "workspace"),
      maxConcurrency: options.maxConcurrency,
    });
    const monitor = new JobMonitor({
      store,
      registry,
      events: engine.events,
      jobDir: (job) => engine.jobDir(job),
      onSettled: (job) => engine.jobSettled(job),
      onProgress: (job) => engine.jobProgressed(job),
      globalInterval: options.globalInterval,
    });
    engine.attachJobTracker(monitor);
    if (options.restore !== false) engine.restore();
    const opened = store;
    return {
      dataDir,
      engine,
      monitor,
      store: opened,
      registry,
      close() {
        monitor.stop();
        opened.close();
        lock.release();
      },
    };
  } catch (error) {
    store?.close();
    lock.release();
    throw error;
  }
}
