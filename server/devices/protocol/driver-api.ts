/**
 * The contract between the server and the driver host processes (one per driver type). A driver
 * host owns its serial ports and outlives the server; the server reaches it over a local socket
 * with newline-delimited JSON: `{"id":1,"method":"taskStart","params":{...}}` ->
 * `{"id":1,"result":...}` or `{"id":1,"error":{"message":"..."}}`.
 *
 * Tasks are keyed by a task id (the job id). The host appends each reading to the task's data file
 * as it arrives, so readings taken while the server is down are never lost.
 */
import type { z } from "zod";
import type {
  AttributeReading,
  InstrumentTarget,
  TaskSpec,
  TaskState,
} from "../../../modules/sdk/instruments.js";

export interface AttributeInfo {
  name: string;
  type: "number" | "string" | "boolean";
  unit?: string;
  min?: number;
  max?: number;
  /** Whether `set` may write it. */
  rw: boolean;
}

/** What a driver type declares statically, so capabilities are known without starting it. */
export interface DriverDescriptor {
  type: string;
  description: string;
  /** Techniques (tomato's capabilities) a task may run. */
  techniques: string[];
  /**
   * The params of each technique, as a zod schema (strict: an unknown param is refused). A task is
   * checked against it before it is queued, when it is matched to a pipeline, and by the host.
   */
  taskParams: Record<string, z.ZodType<Record<string, unknown>>>;
  /** The sampling interval the instrument accepts, in ms. */
  samplingMs?: { min: number; max: number };
  attributes: AttributeInfo[];
}

/** One channel of one device, as the devices file declares it, handed to the driver host. */
export interface ComponentSpec extends InstrumentTarget {
  /** Serial port path, e.g. /dev/ttyUSB0. */
  address: string;
  pollMs: number;
  settings: Record<string, unknown>;
}

export interface DriverTask extends TaskSpec {
  taskId: string;
}

/** The requests a driver host answers; the same methods, one to one, over the socket. */
export interface DriverHostApi {
  hello(): Promise<{ driverType: string; pid: number; startedAt: string }>;
  ping(): Promise<{ at: string }>;
  register(component: ComponentSpec): Promise<void>;
  attributes(target: InstrumentTarget): Promise<AttributeInfo[]>;
  get(target: InstrumentTarget, name: string): Promise<AttributeReading>;
  set(target: InstrumentTarget, name: string, value: number | string | boolean): Promise<void>;
  /** Idempotent by taskId: a second call returns the state of the task already started. */
  taskStart(target: InstrumentTarget, task: DriverTask): Promise<TaskState>;
  /** Throws `unknown task <id>` when this host never started it (e.g. it was respawned). */
  taskStatus(target: InstrumentTarget, taskId: string): Promise<TaskState>;
  taskStop(target: InstrumentTarget, taskId: string): Promise<TaskState>;
  reset(target: InstrumentTarget): Promise<void>;
}
