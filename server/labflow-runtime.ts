import { join, resolve } from "node:path";
import { recordForcedSetting } from "../modules/sdk/instrument-job-files.js";
import type { ModuleServices } from "../modules/sdk/instruments.js";
import type { ModuleRegistry } from "../modules/sdk/registry.js";
import { discoverBuiltinModules } from "../modules/sdk/registry.js";
import { AppEvents } from "./app-events.js";
import type { ClusterService } from "./cluster/cluster-service.js";
import { openClusters } from "./cluster/clusters-runtime.js";
import { JobDataTail } from "./devices/lab/data-tail.js";
import { type InstrumentsRuntime, openInstruments } from "./devices/lab/instruments-runtime.js";
import { Engine } from "./engine/engine.js";
import type { Store } from "./engine/store.js";
import type { GlobalCheckInterval } from "./jobs/check-interval.js";
import { JobMonitor } from "./jobs/job-monitor.js";
import { storedCheckInterval } from "./jobs/stored-settings.js";
import { acquireDataFolderLock } from "./store/data-folder-lock.js";
import { makeFolderPrivate } from "./store/private-files.js";
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
  /** The devices file (`--devices`); default devices.json|yaml|yml in the data folder, if any. */
  devicesFile?: string;
  /** Connect to (or spawn) the driver hosts at once (serve); otherwise at their first use. */
  connectDrivers?: boolean;
  /** The clusters file (`--clusters`); default clusters.json|yaml|yml in the data folder, if any. */
  clustersFile?: string;
}

/** A running labflow: the engine, the job monitor and the store they share, owning a data folder. */
export interface LabflowRuntime {
  dataDir: string;
  engine: Engine;
  /**
   * The application bus: every engine event, and pipeline, settings and instrument data events.
   * What the WebSocket hub listens to.
   */
  events: AppEvents;
  monitor: JobMonitor;
  store: Store;
  registry: ModuleRegistry;
  /** Pipelines, samples and instrument drivers; absent without a devices file. */
  instruments?: InstrumentsRuntime;
  /** Slurm clusters and their logins; absent without a clusters file. */
  clusters?: ClusterService;
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
  makeFolderPrivate(dataDir);
  let store: Store | undefined;
  let instruments: InstrumentsRuntime | undefined;
  let clusters: ClusterService | undefined;
  try {
    store = openSqliteStore(dataDir);
    const jobs = store;
    instruments = openInstruments({
      dataDir,
      devicesFile: options.devicesFile,
      jobState: (jobId) => jobs.getJob(jobId)?.state,
      connectNow: options.connectDrivers === true,
      log: (message) => console.error(`labflow: ${message}`),
    });
    clusters = openClusters(dataDir, options.clustersFile);
    const services: ModuleServices | undefined =
      instruments || clusters ? { ...instruments?.services, ...(clusters ? { clusters } : {}) } : undefined;
    const registry = options.registry ?? (await discoverBuiltinModules());
    const engine = new Engine({
      store,
      registry,
      dataDir,
      workspaceDir: options.workspaceDir ?? join(dataDir, "workspace"),
      maxConcurrency: options.maxConcurrency,
      services,
    });
    const monitor = new JobMonitor({
      store,
      registry,
      events: engine.events,
      jobDir: (job) => engine.jobDir(job),
      onSettled: (job) => engine.jobSettled(job),
      onProgress: (job) => engine.jobProgressed(job),
      // The interval people chose in the Job Monitor, unless the command line says otherwise.
      globalInterval: options.globalInterval ?? storedCheckInterval(store),
      services,
    });
    engine.attachJobTracker(monitor);
    const events = new AppEvents(engine.events);
    // Pipeline changes (people, and jobs claiming and releasing) go out with the other events.
    if (instruments) {
      instruments.pipelines.onChange = (pipeline) => events.emit({ type: "pipeline", pipeline });
      // A setting forced on a channel in use goes into that job's log and data (its archive).
      instruments.instruments.onForcedSet = (jobId, setting) => {
        const job = jobs.getJob(jobId);
        if (job) recordForcedSetting(engine.jobDir(job), setting);
      };
    }
    // Live data of instrument jobs for the WebSocket, from the files their drivers append to.
    const dataTail =
      instruments &&
      new JobDataTail({
        events,
        jobEvents: engine.events,
        jobDir: (job) => engine.jobDir(job),
      });
    if (options.restore !== false) engine.restore();
    for (const job of dataTail ? monitor.list({ states: ["running"] }) : []) dataTail?.follow(job);
    const opened = store;
    const lab = instruments;
    const facility = clusters;
    return {
      dataDir,
      engine,
      events,
      monitor,
      store: opened,
      registry,
      ...(lab ? { instruments: lab } : {}),
      ...(facility ? { clusters: facility } : {}),
      close() {
        monitor.stop();
        dataTail?.close();
        void lab?.close();
        void facility?.close();
        opened.close();
        lock.release();
      },
    };
  } catch (error) {
    void instruments?.close();
    void clusters?.close();
    store?.close();
    lock.release();
    throw error;
  }
}
