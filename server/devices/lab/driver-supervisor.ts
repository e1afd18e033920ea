/**
 * Keeps one driver host process per driver type in use by the devices file: connects to a living
 * host (after a server restart) or spawns one detached, registers the components, pings it every
 * second, and respawns and re-registers a host that died. Hosts are never owned by the server:
 * `close()` only disconnects; `stopAll()` (tests, uninstall) ends them.
 */
import { spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { driverHostEnvironment } from "../../../modules/sdk/clean-environment.js";
import type { AttributeReading, InstrumentTarget, TaskState } from "../../../modules/sdk/instruments.js";
import { isProcessAlive } from "../../../modules/sdk/process-alive.js";
import type { AttributeInfo, ComponentSpec, DriverHostApi, DriverTask } from "../protocol/driver-api.js";
import { driverHostPaths, prepareSocketDir } from "../protocol/driver-host-paths.js";
import { componentsOf, type DevicesConfig } from "./devices-file.js";
import { DriverClient } from "./driver-client.js";
import { endProcess } from "./stop-driver-hosts.js";

export interface DriverSupervisorOptions {
  dataDir: string;
  devices: DevicesConfig;
  /** Ping interval; a host that misses 3 pings in a row is killed and respawned. Default 1000. */
  heartbeatMs?: number;
  /** How long a spawned host may take to answer. Default 15000. */
  spawnTimeoutMs?: number;
  log?: (message: string) => void;
}

export interface HostInfo {
  driverType: string;
  pid: number;
  startedAt: string;
}

export interface DriverSupervisorEvents {
  /** Connected to a host: `spawned` false means it was already running (reattached). */
  connected: [info: HostInfo & { spawned: boolean }];
  /** The host was lost (died, or stopped answering); a respawn follows. */
  lost: [driverType: string, reason: string];
}

interface HostLink {
  type: string;
  components: ComponentSpec[];
  client: DriverClient | undefined;
  info: HostInfo | undefined;
  connecting: Promise<DriverClient> | undefined;
  missedPings: number;
  pinging: boolean;
  /** Why the host refused a component when it was last registered, by `device\0channel`. */
  registrationErrors: Map<string, string>;
}

const componentKey = (target: InstrumentTarget) => `${target.device}\0${target.channel}`;

const MISSED_PINGS_LIMIT = 3;

export class DriverSupervisor extends EventEmitter<DriverSupervisorEvents> {
  private readonly links = new Map<string, HostLink>();
  private readonly deviceDrivers = new Map<string, string>();
  private readonly heartbeat: NodeJS.Timeout;
  private closing = false;
  private readonly log: (message: string) => void;

  private constructor(private readonly options: DriverSupervisorOptions) {
    super();
    this.log = options.log ?? (() => undefined);
    for (const { driver, ...component } of componentsOf(options.devices)) {
      this.deviceDrivers.set(component.device, driver);
      let link = this.links.get(driver);
      if (!link) {
        link = {
          type: driver,
          components: [],
          client: undefined,
          info: undefined,
          connecting: undefined,
          missedPings: 0,
          pinging: false,
          registrationErrors: new Map(),
        };
        this.links.set(driver, link);
      }
      link.components.push(component);
    }
    const every = options.heartbeatMs ?? 1000;
    this.heartbeat = setInterval(() => {
      for (const link of this.links.values()) void this.beat(link, every);
    }, every);
    this.heartbeat.unref();
  }

  /** Connects to (or spawns) a host for every driver type the devices file uses, and registers its components. */
  static async start(options: DriverSupervisorOptions): Promise<DriverSupervisor> {
    const supervisor = new DriverSupervisor(options);
    try {
      await Promise.all([...supervisor.links.values()].map((link) => supervisor.connectOrSpawn(link)));
    } catch (error) {
      await supervisor.close();
      throw error;
    }
    return supervisor;
  }

  /** Driver types in use. */
  driverTypes(): string[] {
    return [...this.links.keys()];
  }

  /** pid and start time of the host of a driver type, as it last said hello. */
  hostInfo(driverType: string): HostInfo | undefined {
    return this.links.get(driverType)?.info;
  }

  /** The host of a driver type. Calls wait for a respawn under way; they fail, never hang. */
  host(driverType: string): DriverHostApi {
    const link = this.links.get(driverType);
    if (!link) throw new Error(`no device in the devices file uses driver "${driverType}"`);
    const call =
      <A extends unknown[], R>(method: (client: DriverClient, ...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        try {
          return await method(await this.clientOf(link), ...args);
        } catch (error) {
          throw withRegistrationError(link, args[0], error);
        }
      };
    return {
      hello: call((c) => c.hello()),
      ping: call((c) => c.ping()),
      register: call((c, component: ComponentSpec) => c.register(component)),
      attributes: call((c, target: InstrumentTarget): Promise<AttributeInfo[]> => c.attributes(target)),
      get: call(
        (c, target: InstrumentTarget, name: string): Promise<AttributeReading> => c.get(target, name),
      ),
      set: call((c, target: InstrumentTarget, name: string, value: number | string | boolean) =>
        c.set(target, name, value),
      ),
      taskStart: call(
        (c, target: InstrumentTarget, task: DriverTask): Promise<TaskState> => c.taskStart(target, task),
      ),
      taskStatus: call((c, target: InstrumentTarget, taskId: string) => c.taskStatus(target, taskId)),
      taskStop: call((c, target: InstrumentTarget, taskId: string) => c.taskStop(target, taskId)),
      reset: call((c, target: InstrumentTarget) => c.reset(target)),
    };
  }

  /** The host that owns a device's port. */
  forDevice(device: string): DriverHostApi {
    const driver = this.deviceDrivers.get(device);
    if (!driver)
      throw new Error(`device "${device}" is not in the devices file (${this.options.devices.source})`);
    return this.host(driver);
  }

  /** Disconnects; the hosts keep running (and acquiring). */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.heartbeat);
    for (const link of this.links.values()) {
      await link.connecting?.catch(() => undefined);
      link.client?.close();
      link.client = undefined;
    }
  }

  /** Ends every host (SIGTERM, then SIGKILL after 5 s) and disconnects. For tests. */
  async stopAll(): Promise<void> {
    const pids = [...this.links.values()].map((link) => link.info?.pid).filter((pid) => pid !== undefined);
    await this.close();
    await Promise.all(pids.map((pid) => endProcess(pid)));
  }

  private async clientOf(link: HostLink): Promise<DriverClient> {
    if (this.closing) throw new Error("the driver supervisor is closed");
    if (link.client && !link.client.isClosed) return link.client;
    return this.connectOrSpawn(link);
  }

  private connectOrSpawn(link: HostLink): Promise<DriverClient> {
    link.connecting ??= this.establish(link).finally(() => {
      link.connecting = undefined;
    });
    return link.connecting;
  }

  private async establish(link: HostLink): Promise<DriverClient> {
    const paths = driverHostPaths(this.options.dataDir, link.type);
    let spawned = false;
    // Before connecting: a socket in a folder another user controls may not be a host of ours.
    prepareSocketDir(paths.socket);
    let client = await DriverClient.connect(paths.socket, { timeoutMs: 2000, log: this.log }).catch(
      () => undefined,
    );
    if (!client) {
      spawned = true;
      client = await this.spawnHost(link.type);
    }
    try {
      const info = await client.hello();
      if (info.driverType !== link.type)
        throw new Error(`the host at ${paths.socket} runs driver "${info.driverType}", not "${link.type}"`);
      for (const component of link.components) {
        // A component the host refuses (e.g. busy with a task under another registration) is
        // reported, not fatal; its reason is kept for the calls that then find it unregistered.
        await client.register(component).then(
          () => link.registrationErrors.delete(componentKey(component)),
          (error: Error) => {
            link.registrationErrors.set(componentKey(component), error.message);
            this.log(
              `driver ${link.type}: registering device "${component.device}" channel "${component.channel}" failed: ${error.message}`,
            );
          },
        );
      }
      link.info = info;
      link.client = client;
      link.missedPings = 0;
      client.once("close", () => this.onClientClosed(link, client));
      if (this.closing) client.close();
      this.log(`driver ${link.type}: ${spawned ? "spawned" : "reattached to"} host pid ${info.pid}`);
      this.emit("connected", { ...info, spawned });
      return client;
    } catch (error) {
      client.close();
      throw error;
    }
  }

  private onClientClosed(link: HostLink, client: DriverClient): void {
    if (link.client !== client) return;
    link.client = undefined;
    if (this.closing) return;
    this.emit("lost", link.type, "connection closed");
    this.log(`driver ${link.type}: host pid ${link.info?.pid} went away; respawning`);
    this.connectOrSpawn(link).catch((error: Error) =>
      this.log(`driver ${link.type}: respawn failed: ${error.message}`),
    );
  }

  private async beat(link: HostLink, every: number): Promise<void> {
    if (this.closing || link.connecting || link.pinging) return;
    if (!link.client) {
      // An earlier respawn failed: try again.
      await this.connectOrSpawn(link).catch(() => undefined);
      return;
    }
    link.pinging = true;
    try {
      await link.client.ping(Math.max(500, every * 2));
      link.missedPings = 0;
    } catch (error) {
      link.missedPings++;
      if (link.missedPings < MISSED_PINGS_LIMIT || !link.client) return;
      // Alive but deaf: it owns the ports, so it must go before a new host can have them. It
      // would not run a SIGTERM handler either, hence SIGKILL.
      const reason = `missed ${link.missedPings} pings (${(error as Error).message})`;
      this.log(`driver ${link.type}: host pid ${link.info?.pid} ${reason}; killing it`);
      this.emit("lost", link.type, reason);
      if (link.info && isProcessAlive(link.info.pid)) {
        try {
          process.kill(link.info.pid, "SIGKILL");
        } catch (killError) {
          this.log(`driver ${link.type}: cannot kill pid ${link.info.pid}: ${(killError as Error).message}`);
        }
      }
      link.client?.close();
    } finally {
      link.pinging = false;
    }
  }

  private async spawnHost(driverType: string): Promise<DriverClient> {
    const paths = driverHostPaths(this.options.dataDir, driverType);
    mkdirSync(paths.dir, { recursive: true });
    const { command, args } = hostCommand();
    const logFd = openSync(paths.log, "a");
    writeSync(
      logFd,
      `${new Date().toISOString()} supervisor pid ${process.pid} spawns the ${driverType} host\n`,
    );
    const child = spawn(command, [...args, "--driver", driverType, "--socket", paths.socket], {
      detached: true,
      stdio: ["ignore", logFd, logFd],
      cwd: paths.dir,
      // Never the server's whole environment: its secrets (cluster key, cloud keys) stay with it.
      env: driverHostEnvironment(process.env),
    });
    closeSync(logFd);
    let exited: string | undefined;
    child.once("exit", (code, signal) => {
      exited = `exited (${signal ?? `code ${code}`})`;
    });
    child.once("error", (error) => {
      exited = `could not start: ${error.message}`;
    });
    child.unref();
    const deadline = Date.now() + (this.options.spawnTimeoutMs ?? 15_000);
    for (;;) {
      const client = await DriverClient.connect(paths.socket, { timeoutMs: 1000, log: this.log }).catch(
        () => undefined,
      );
      if (client) return client;
      if (exited || Date.now() > deadline)
        throw new Error(
          `the ${driverType} driver host ${exited ?? "did not answer in time"}; its log (${paths.log}) ends with:\n${tail(paths.log)}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** node + the host entry: the built .js beside this build, else the build in dist/, else the .ts through tsx. */
function hostCommand(): { command: string; args: string[] } {
  const here = fileURLToPath(import.meta.url);
  const sibling = join(dirname(here), "..", "host", "driver-host.js");
  if (here.endsWith(".js") && existsSync(sibling)) return { command: process.execPath, args: [sibling] };
  const built = join(dirname(here), "..", "..", "..", "dist", "server", "devices", "host", "driver-host.js");
  if (existsSync(built)) return { command: process.execPath, args: [built] };
  return {
    command: process.execPath,
    args: ["--import", "tsx", join(dirname(here), "..", "host", "driver-host.ts")],
  };
}

/** Adds why a component's registration failed to a host's "not registered" refusal of it. */
function withRegistrationError(link: HostLink, target: unknown, error: unknown): unknown {
  if (!(error instanceof Error) || !/is not registered/.test(error.message)) return error;
  if (typeof target !== "object" || target === null) return error;
  const reason = link.registrationErrors.get(componentKey(target as InstrumentTarget));
  return reason ? new Error(`${error.message} (registering it failed: ${reason})`) : error;
}

function tail(path: string): string {
  try {
    return readFileSync(path, "utf8").split("\n").slice(-15).join("\n");
  } catch {
    return "(no log)";
  }
}
