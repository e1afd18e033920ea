/**
 * The server's side of a driver host's socket: DriverHostApi over NDJSON, every call with a
 * timeout, so a hung or vanished host gives an error instead of a wait forever. What comes back is
 * checked before use: a malformed line (another program on the socket, a broken host) is logged
 * and ignored, or fails the call it answers, and never throws in the server.
 */
import { EventEmitter } from "node:events";
import { connect, type Socket } from "node:net";
import { resolve as resolvePath } from "node:path";
import type { AttributeReading, InstrumentTarget, TaskState } from "../../../modules/sdk/instruments.js";
import type { AttributeInfo, ComponentSpec, DriverHostApi, DriverTask } from "../protocol/driver-api.js";
import {
  DriverError,
  type DriverErrorCode,
  type DriverMethod,
  lineReader,
  methodArgNames,
} from "../protocol/driver-protocol.js";

/** Calls that move hardware get longer than the default. */
const SLOW: Partial<Record<DriverMethod, number>> = {
  register: 10_000,
  taskStart: 20_000,
  taskStop: 10_000,
  reset: 10_000,
};

interface Pending {
  method: DriverMethod;
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class DriverClient extends EventEmitter<{ close: [] }> implements DriverHostApi {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    readonly socketPath: string,
    private readonly timeoutMs: number,
    private readonly log: (message: string) => void,
  ) {
    super();
    socket.setEncoding("utf8");
    socket.on(
      "data",
      lineReader((line) => this.onLine(line), {
        onOverlong: (message) => this.log(`the driver host at ${socketPath} sent a ${message}`),
      }),
    );
    socket.on("error", () => undefined);
    socket.on("close", () => {
      this.closed = true;
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new Error(`the driver host at ${socketPath} closed the connection`));
        this.pending.delete(id);
      }
      this.emit("close");
    });
  }

  /** Connects to a host's socket; rejects (ENOENT, ECONNREFUSED, timeout) when no host answers there. */
  static connect(
    socketPath: string,
    options: { timeoutMs?: number; log?: (message: string) => void } = {},
  ): Promise<DriverClient> {
    const timeoutMs = options.timeoutMs ?? 5000;
    const log = options.log ?? (() => undefined);
    return new Promise((resolve, reject) => {
      const socket = connect(socketPath);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no driver host answered at ${socketPath} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.removeAllListeners("error");
        resolve(new DriverClient(socket, socketPath, timeoutMs, log));
      });
      socket.once("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
  }

  hello() {
    return this.call<{ driverType: string; pid: number; startedAt: string }>("hello", []);
  }
  ping(timeoutMs?: number) {
    return this.call<{ at: string }>("ping", [], timeoutMs);
  }
  register(component: ComponentSpec) {
    return this.call<void>("register", [component]);
  }
  attributes(target: InstrumentTarget) {
    return this.call<AttributeInfo[]>("attributes", [target]);
  }
  get(target: InstrumentTarget, name: string) {
    return this.call<AttributeReading>("get", [target, name]);
  }
  set(target: InstrumentTarget, name: string, value: number | string | boolean) {
    return this.call<void>("set", [target, name, value]);
  }
  taskStart(target: InstrumentTarget, task: DriverTask) {
    return this.call<TaskState>("taskStart", [target, { ...task, dataFile: resolvePath(task.dataFile) }]);
  }
  taskStatus(target: InstrumentTarget, taskId: string) {
    return this.call<TaskState>("taskStatus", [target, taskId]);
  }
  taskStop(target: InstrumentTarget, taskId: string) {
    return this.call<TaskState>("taskStop", [target, taskId]);
  }
  reset(target: InstrumentTarget) {
    return this.call<void>("reset", [target]);
  }

  private call<T>(method: DriverMethod, args: unknown[], timeoutMs?: number): Promise<T> {
    if (this.closed)
      return Promise.reject(new Error(`the driver host at ${this.socketPath} is not connected`));
    const id = this.nextId++;
    const params: Record<string, unknown> = {};
    methodArgNames[method].forEach((name, i) => {
      params[name] = args[i];
    });
    const limit = timeoutMs ?? SLOW[method] ?? this.timeoutMs;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new Error(`the driver host at ${this.socketPath} did not answer ${method} within ${limit} ms`),
        );
      }, limit);
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject, timer });
      this.socket.write(`${JSON.stringify({ id, method, params })}\n`);
    });
  }

  private onLine(line: string): void {
    const response = parseResponse(line);
    if (typeof response === "string") {
      this.log(`ignored a line from the driver host at ${this.socketPath}: ${response}`);
      return;
    }
    const pending = this.pending.get(response.id);
    if (!pending) return;
    this.pending.delete(response.id);
    clearTimeout(pending.timer);
    if ("problem" in response) {
      const why = `the driver host at ${this.socketPath} answered ${pending.method} with ${response.problem}`;
      this.log(why);
      pending.reject(new Error(why));
    } else if ("error" in response)
      pending.reject(
        response.code ? new DriverError(response.code, response.error) : new Error(response.error),
      );
    else pending.resolve(response.result === null ? undefined : response.result);
  }
}

type ParsedResponse =
  | { id: number; result: unknown }
  | { id: number; error: string; code?: DriverErrorCode }
  | { id: number; problem: string };

/**
 * A response line as `{ id, result }` or `{ id, error: { message } }`. An answer with an id but no
 * usable result or error fails that call (`problem`); a line without a usable id answers no call
 * and is described by a string instead.
 */
function parseResponse(line: string): ParsedResponse | string {
  const shown = line.length > 200 ? `${line.slice(0, 200)}...` : line;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return `not JSON: ${shown}`;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return `not a JSON object: ${shown}`;
  const response = value as Record<string, unknown>;
  const id = response.id;
  if (typeof id !== "number" || !Number.isSafeInteger(id)) return `no numeric id: ${shown}`;
  if ("error" in response) {
    const error = response.error as { message?: unknown; code?: unknown } | null;
    if (typeof error !== "object" || error === null || typeof error.message !== "string")
      return { id, problem: `a malformed error (not { "message": "..." }): ${shown}` };
    return error.code === "unknown_task"
      ? { id, error: error.message, code: error.code }
      : { id, error: error.message };
  }
  if (!("result" in response)) return { id, problem: `neither a result nor an error: ${shown}` };
  return { id, result: response.result };
}
