import { NO_DEVICES_MESSAGE } from "../../modules/sdk/instruments.js";
import { setDeviceAttribute } from "../devices/lab/device-settings.js";
import { jobData } from "../devices/lab/job-data.js";
import type { PipelineService } from "../devices/lab/pipelines.js";
import { EngineError } from "../engine/engine-error.js";
import { type LabflowRuntime, openRuntime } from "../labflow-runtime.js";
import type {
  JobDataAnswer,
  PipelineStatusView,
  PipelinesAnswer,
  SetAttributeAnswer,
} from "../schema/pipelines-api.js";
import { servingServer } from "./connect.js";
import { callServer } from "./remote-access.js";

/** What `labflow pipeline ...` and `labflow snapshot` need: through the server, or in this process. */
export interface InstrumentCommandsAccess {
  pipelines(): Promise<PipelinesAnswer>;
  load(name: string, sample: string): Promise<PipelineStatusView>;
  eject(name: string): Promise<PipelineStatusView>;
  ready(name: string, ready: boolean): Promise<PipelineStatusView>;
  /** About 8 MB of readings from `offset` on: ask again from `nextOffset` until it stops moving. */
  jobData(jobId: string, offset: number): Promise<JobDataAnswer>;
  /** Refused while a job uses the channel, unless `force`. */
  setAttribute(
    device: string,
    attribute: string,
    body: { value: number | string | boolean; channel: string; force: boolean },
  ): Promise<SetAttributeAnswer>;
  close(): Promise<void>;
}

/**
 * Through `labflow serve` when it owns the data folder (as the other commands do); otherwise the
 * data folder is opened here, without continuing runs or starting any driver.
 */
export async function connectInstruments(
  dataDir: string,
  devicesFile?: string,
): Promise<InstrumentCommandsAccess> {
  try {
    return local(await openRuntime({ dataDir, restore: false, devicesFile }));
  } catch (error) {
    const server = servingServer(error, dataDir);
    if (server) return remote(server.url, server.token);
    throw error;
  }
}

function local(runtime: LabflowRuntime): InstrumentCommandsAccess {
  const pipelines = (): PipelineService => {
    if (!runtime.instruments) throw new EngineError("no_devices", NO_DEVICES_MESSAGE);
    return runtime.instruments.pipelines;
  };
  return {
    async pipelines() {
      const lab = runtime.instruments;
      return lab
        ? {
            configured: true,
            devicesFile: lab.devicesFile,
            ...(lab.refused ? { devicesFileRefused: lab.refused } : {}),
            pipelines: lab.pipelines.status(),
          }
        : { configured: false, message: NO_DEVICES_MESSAGE, pipelines: [] };
    },
    load: async (name, sample) => pipelines().load(name, sample),
    eject: async (name) => pipelines().eject(name),
    ready: async (name, ready) => pipelines().ready(name, ready),
    jobData: async (jobId, offset) => jobData(runtime, jobId, offset),
    async setAttribute(device, attribute, body) {
      if (!runtime.instruments) throw new EngineError("no_devices", NO_DEVICES_MESSAGE);
      return setDeviceAttribute(runtime.instruments, { device, attribute, ...body, by: "the CLI" });
    },
    async close() {
      runtime.close();
    },
  };
}

function remote(url: string, token?: string): InstrumentCommandsAccess {
  const call = <T>(method: string, path: string, body?: unknown) =>
    callServer<T>(url, token, method, path, body);
  const pipeline = (name: string, action: string) => `/api/pipelines/${encodeURIComponent(name)}/${action}`;
  return {
    pipelines: () => call("GET", "/api/pipelines"),
    load: (name, sample) => call("POST", pipeline(name, "load"), { sample }),
    eject: (name) => call("POST", pipeline(name, "eject"), {}),
    ready: (name, ready) => call("POST", pipeline(name, "ready"), { ready }),
    jobData: (jobId, offset) => call("GET", `/api/jobs/${encodeURIComponent(jobId)}/data?offset=${offset}`),
    setAttribute: (device, attribute, body) =>
      call(
        "POST",
        `/api/devices/${encodeURIComponent(device)}/attributes/${encodeURIComponent(attribute)}`,
        body,
      ),
    async close() {},
  };
}
