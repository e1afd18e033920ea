/**
 * The `labflow-sim` driver: talks to `labflow simulate-instrument` (protocol in
 * docs/instruments.md). Techniques: `acquire` streams readings for durationMs at samplingMs;
 * `ramp` sets the setpoint (and optionally the ramp rate) first, then acquires.
 */
import type { AttributeReading } from "../../../modules/sdk/instruments.js";
import type { ComponentSpec, DriverTask } from "../driver-api.js";
import type {
  AcquisitionEvents,
  DriverComponent,
  DriverImplementation,
  Reading,
} from "../driver-implementation.js";
import { SerialLine } from "../serial-line.js";
import { SIM_LIMITS } from "../simulator/sim-instrument.js";
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

export const labflowSimDriver: DriverImplementation = {
  descriptor: labflowSimDescriptor,
  columns: labflowSimColumns,
  openLine(spec: ComponentSpec) {
    return new SerialLine({
      path: spec.address,
      baudRate: typeof spec.settings.baudRate === "number" ? spec.settings.baudRate : undefined,
      reopenMs: spec.pollMs,
      isUnsolicited: (line) => line.startsWith("DATA ") || line.startsWith("DONE"),
      isError: (line) => line.startsWith("ERR"),
      timeoutMs: typeof spec.settings.timeoutMs === "number" ? spec.settings.timeoutMs : 1000,
      retries: 2,
    });
  },
  createComponent: (spec, line) => new SimComponent(spec, line),
};

class SimComponent implements DriverComponent {
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly spec: ComponentSpec,
    private readonly line: SerialLine,
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
    const where = `task ${task.taskId} (${task.technique})`;
    const { min, max } = SIM_LIMITS.intervalMs;
    if (task.samplingMs < min || task.samplingMs > max)
      throw new Error(`${where}: samplingMs ${task.samplingMs} is outside [${min}, ${max}]`);
    if (task.durationMs < task.samplingMs)
      throw new Error(
        `${where}: durationMs ${task.durationMs} is shorter than samplingMs ${task.samplingMs}`,
      );
    if (task.technique === "acquire") return;
    if (task.technique === "ramp") {
      for (const key of Object.keys(task.params))
        if (key !== "setpoint" && key !== "rampRate")
          throw new Error(`${where}: unknown param "${key}" (ramp takes setpoint, rampRate)`);
      checkNumber(where, "setpoint", task.params.setpoint, SIM_LIMITS.setpoint, true);
      checkNumber(where, "rampRate", task.params.rampRate, SIM_LIMITS.rampRate, false);
      return;
    }
    throw new Error(
      `${where}: technique "${task.technique}" is not offered by driver labflow-sim (offers: ${labflowSimDescriptor.techniques.join(", ")})`,
    );
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
    this.unsubscribe = this.line.onUnsolicited((text) => {
      if (text.startsWith("DONE")) {
        events.done();
        return;
      }
      const reading = parseDataLine(text);
      if (reading) events.readings([reading]);
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
    await this.line.request("*RST");
    this.dispose();
  }

  dispose(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}

/** `DATA <iso> <temperature> <setpoint>` */
function parseDataLine(line: string): Reading | undefined {
  const [, t, temperature, setpoint] = line.split(" ");
  if (!t || temperature === undefined || setpoint === undefined) return undefined;
  return { t, temperature: Number(temperature), setpoint: Number(setpoint) };
}

function checkNumber(
  where: string,
  name: string,
  value: unknown,
  limits: { min: number; max: number },
  required: boolean,
): void {
  if (value === undefined && !required) return;
  if (typeof value !== "number" || !Number.isFinite(value))
    throw new Error(`${where}: param "${name}" must be a number${required ? " (required)" : ""}`);
  if (value < limits.min || value > limits.max)
    throw new Error(`${where}: param "${name}" ${value} is outside [${limits.min}, ${limits.max}]`);
}
