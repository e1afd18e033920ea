import type { InstrumentRules, InstrumentTarget, ModuleServices } from "../../../modules/sdk/instruments.js";
import { EngineError } from "../../engine/engine-error.js";
import { PipelineStore } from "../../store/pipeline-store.js";
import { driverDescriptors } from "../protocol/driver-descriptors.js";
import { whyAttributeRefused } from "../protocol/task-params.js";
import { guardDevicesConfig } from "./devices-config-guard.js";
import {
  type DevicesConfig,
  DevicesFileError,
  deviceTechniques,
  findDevicesFile,
  loadDevicesFile,
} from "./devices-file.js";
import { DriverSupervisor } from "./driver-supervisor.js";
import { type DriverHosts, InstrumentService } from "./instrument-service.js";
import { fittingPipelines, type InstrumentCatalog } from "./pipeline-matching.js";
import { type JobStateLookup, PipelineService } from "./pipelines.js";

export interface InstrumentsOptions {
  dataDir: string;
  /** `--devices FILE`; default devices.json|yaml|yml in the data folder. */
  devicesFile?: string;
  jobState: JobStateLookup;
  /** Connect to (or spawn) the driver hosts now, in the background, instead of at first use. */
  connectNow?: boolean;
  log?: (message: string) => void;
}

/** The lab as a runtime holds it: the devices file, the pipeline rules and the instrument service. */
export interface InstrumentsRuntime {
  devicesFile: string;
  /** Why the devices file was refused at start (a job holds what it changes): `config` is the last accepted one. */
  refused?: string;
  config: DevicesConfig;
  pipelines: PipelineService;
  instruments: InstrumentService;
  services: ModuleServices;
  /** Disconnects from the driver hosts (they keep running and acquiring) and closes the store. */
  close(): Promise<void>;
}

/**
 * Opens the lab of a data folder when it has a devices file (undefined otherwise: instrument
 * modules then fail saying how to configure one). Driver hosts are reached through the supervisor,
 * which is started at first use (or at once with `connectNow`), so commands that only look at
 * pipelines never spawn a driver.
 */
export function openInstruments(options: InstrumentsOptions): InstrumentsRuntime | undefined {
  let devicesFile: string | undefined;
  let config: DevicesConfig;
  try {
    devicesFile = findDevicesFile(options.dataDir, options.devicesFile);
    if (devicesFile === undefined) return undefined;
    config = loadDevicesFile(devicesFile);
  } catch (error) {
    // A user error, told as such (the CLI prints it without a stack): each problem names its entry.
    if (error instanceof DevicesFileError) throw new EngineError(error.code, error.message);
    throw error;
  }
  const store = PipelineStore.open(options.dataDir);
  const guarded = guardDevicesConfig(options.dataDir, config, store.openClaims(), options.jobState);
  config = guarded.config;
  if (guarded.refused) options.log?.(guarded.refused);
  const pipelines = new PipelineService(catalogOf(config), store, options.jobState);
  let supervisor: Promise<DriverSupervisor> | undefined;
  const startSupervisor = () => {
    supervisor ??= DriverSupervisor.start({ dataDir: options.dataDir, devices: config, log: options.log });
    // A failed start is tried again at the next use (a device's port may come back).
    supervisor.catch(() => {
      supervisor = undefined;
    });
    return supervisor;
  };
  const hosts: DriverHosts = {
    async hostFor(device) {
      return (await startSupervisor()).forDevice(device);
    },
  };
  const instruments = new InstrumentService(pipelines, hosts);
  if (options.connectNow && config.devices.length > 0) {
    startSupervisor().catch((error: Error) =>
      options.log?.(`the driver hosts could not be started yet: ${error.message}`),
    );
  }
  return {
    devicesFile,
    ...(guarded.refused ? { refused: guarded.refused } : {}),
    config,
    pipelines,
    instruments,
    services: { instruments, instrumentRules: instrumentRulesOf(config) },
    async close() {
      store.close();
      const running = await supervisor?.catch(() => undefined);
      await running?.close();
    },
  };
}

export function catalogOf(config: DevicesConfig): InstrumentCatalog {
  return {
    pipelines: config.pipelines,
    techniquesOf: (device) =>
      config.devices.some((d) => d.name === device) ? deviceTechniques(config, device) : undefined,
    driverOf: (device) => {
      const driver = config.devices.find((d) => d.name === device)?.driver;
      return driver === undefined ? undefined : driverDescriptors.get(driver);
    },
  };
}

/** The devices file's rules for modules (what could ever run, what could ever be set). */
export function instrumentRulesOf(config: DevicesConfig): InstrumentRules {
  const catalog = catalogOf(config);
  return {
    whyNever(request) {
      const fitting = fittingPipelines(catalog, request);
      return typeof fitting === "string" ? fitting : undefined;
    },
    whyNotSettable(where, attribute, value) {
      let target: InstrumentTarget | undefined;
      if ("pipeline" in where) {
        const pipeline = config.pipelines.find((p) => p.name === where.pipeline);
        if (!pipeline) return `no pipeline "${where.pipeline}" in the devices file`;
        target = pipeline.roles[where.role];
        if (!target) return `pipeline "${where.pipeline}" has no role "${where.role}"`;
      } else target = where;
      const driver = catalog.driverOf(target.device);
      if (!driver) return `no device "${target.device}" in the devices file`;
      const why = whyAttributeRefused(
        driver.attributes.find((a) => a.name === attribute),
        attribute,
        value,
      );
      return why && `device "${target.device}" (${driver.type}): ${why}`;
    },
  };
}
