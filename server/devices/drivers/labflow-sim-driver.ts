/**
 * The `labflow-sim` driver: talks to `labflow simulate-instrument` (protocol in
 * docs/instruments.md). Techniques: `acquire` streams readings for durationMs at samplingMs;
 * `ramp` sets the setpoint (and optionally the ramp rate) first, then acquires.
 */
import type { AttributeReading } from "../../../modules/sdk/instruments.js";
import {
  type AcquisitionEvents,
  type DriverComponent,
  type DriverImplementation,
  type DriverLog,
  type Reading,
  TaskRefusal,
} from "../host/driver-implementation.js";
import { SerialLine } from "../host/serial-line.js";
import type { ComponentSpec, DriverTask } from "../protocol/driver-api.js";
import { whyTaskRefused } from "../protocol/task-params.js";
import { labflowSimColumns, labflowSimDescriptor } from "./labflow-sim-descriptor.js";

const QUERIES: Record<string, string> = {
  temperature: "TEMP?",
  setpoint: "SETP?",
  rampRate: "RATE?",
  acquiring: "ACQ?",
  identity: "*IDN?",
};
const SETTERS: Record<string, string> = { setpoint: "SETP", rampRate: "RATE" };
const UNITS = new Map(labflowSimDescriptor.attributes.map((a) => [a.name, a.unit]));
/** `*RST` may take the instrument a while; it is never sent twice. */
const RESET_TIMEOUT_MS = 5000;
/** Malformed `DATA` lines logged one by one per acquisition; after that, one line per this many. */
const MALFORMED_LOGGED = 10;
const MALFORMED_LOG_EVERY = 1000;

export const labflowSimDriver: DriverImplementation = {
  descriptor: labflowSimDescriptor,
  columns: labflowSimColumns,
  checkSpec(spec: ComponentSpec) {
    const where = `device "${spec.device}" channel "${spec.channel}"`;
    const { baudRate, timeoutMs } = spec.settings;
    if (baudRate !== undefined && (!Number.isInteger(baudRate) || (baudRate as number) <= 0))
      throw new Error(
        `${where}: settings.baudRate must be a positive integer (got ${JSON.stringify(baudRate)})`,
      );
    if (
      timeoutMs !== undefined &&
      (typeof timeoutMs !== "number" || !Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > 60_000)
    )
      throw new Error(
        `${where}: settings.timeoutMs must be a number of ms in (0, 60000] (got ${JSON.stringify(timeoutMs)})`,
      );
  },
  openLine(spec: ComponentSpec, log: DriverLog) {
    return new SerialLine({
      path: spec.address,
      baudRate: typeof spec.settings.baudRate === "number" ? spec.settings.baudRate : undefined,
      reopenMs: spec.pollMs,
      isUnsolicited: (line) => line.startsWith("DATA ") || line.startsWith("DONE"),
      isError: (line) => line.startsWith("ERR"),
      timeoutMs: typeof spec.settings.timeoutMs === "number" ? spec.settings.timeoutMs : 1000,
      retries: 2,
      log,
    });
  },
  createComponent: (spec, line, log) => new SimComponent(spec, line, log),
};

class SimComponent implements DriverComponent {
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly spec: ComponentSpec,
    private readonly line: SerialLine,
    private readonly log: DriverLog,
  ) {}

  async get(name: string): Promise<AttributeReading> {
    const query = QUERIES[name]!;
    const reply = await this.line.request(query);
    const t = new Date().toISOString();
    let value: number | string | boolean;
    if (name === "identity") value = reply;
    else if (name === "acquiring") value = reply.startsWith("RUNNING");
    else {
      value = Number(reply);
      if (!Number.isFinite(value))
        throw new Error(
          `device "${this.spec.device}" (${this.line.path}): "${query}" gave "${reply}", not a number`,
        );
    }
    const unit = UNITS.get(name);
    return unit ? { name, value, unit, t } : { name, value, t };
  }

  async set(name: string, value: number | string | boolean): Promise<void> {
    await this.line.request(`${SETTERS[name]} ${value}`);
  }

  checkTask(task: DriverTask): void {
    const why = whyTaskRefused(labflowSimDescriptor, task);
    if (why) throw new TaskRefusal(`task ${task.taskId} (${task.technique}): ${why}`);
  }

  async start(task: DriverTask, events: AcquisitionEvents): Promise<void> {
    // A real instrument may still be acquiring after a lost link or a host restart: stop it first.
    if ((await this.line.request("ACQ?")).startsWith("RUNNING")) await this.line.request("ACQ:STOP");
    if (task.technique === "ramp") {
      if (task.params.rampRate !== undefined) await this.line.request(`RATE ${task.params.rampRate}`);
      await this.line.request(`SETP ${task.params.setpoint}`);
    }
    const count = Math.max(1, Math.round(task.durationMs / task.samplingMs));
    this.unsubscribe?.();
    let malformed = 0;
    this.unsubscribe = this.line.onUnsolicited((text) => {
      if (text.startsWith("DONE")) {
        events.done();
        return;
      }
      const reading = parseDataLine(text);
      if (reading) {
        events.readings([reading]);
        return;
      }
      // Never written as a reading: a garbled line (noise, a wrong baud rate) is not a measurement.
      malformed++;
      if (malformed <= MALFORMED_LOGGED || malformed % MALFORMED_LOG_EVERY === 0)
        this.log(
          `task ${task.taskId}: skipped a malformed line from device "${this.spec.device}" (${this.line.path}), ${malformed} so far: ${text.slice(0, 200)}`,
        );
    });
    try {
      // Not retried: a second ACQ:START would be refused while the first one runs.
      await this.line.request(`ACQ:START ${task.samplingMs} ${count}`, { retries: 0, timeoutMs: 3000 });
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  async stop(): Promise<void> {
    try {
      await this.line.request("ACQ:STOP");
    } finally {
      this.dispose();
    }
  }

  async reset(): Promise<void> {
    await this.line.request("*RST", { retries: 0, timeoutMs: RESET_TIMEOUT_MS });
    this.dispose();
  }

  dispose(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** `DATA <iso> <temperature> <setpoint>`, or undefined when any part is not what it should be. */
export function parseDataLine(line: string): Reading | undefined {
  const parts = line.split(" ");
  if (parts.length !== 4 || parts[0] !== "DATA") return undefined;
  const [, t = "", temperature = "", setpoint = ""] = parts;
  if (!Number.isFinite(Date.parse(t)) || !NUMBER.test(temperature) || !NUMBER.test(setpoint))
    return undefined;
  const reading = { t, temperature: Number(temperature), setpoint: Number(setpoint) };
  return Number.isFinite(reading.temperature) && Number.isFinite(reading.setpoint) ? reading : undefined;
}
