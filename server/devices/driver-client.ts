/**
 * The server's side of a driver host's socket: DriverHostApi over NDJSON, every call with a
 * timeout, so a hung or vanished host gives an error instead of a wait forever.
 */
import { EventEmitter } from "node:events";
import { connect, type Socket } from "node:net";
import { resolve as resolvePath } from "node:path";
import type { AttributeReading, InstrumentTarget, TaskState } from "../../modules/sdk/instruments.js";
import type { AttributeInfo, ComponentSpec, DriverHostApi, DriverTask } from "./driver-api.js";
import { type DriverMethod, type DriverResponse, lineReader, methodArgNames } from "./driver-protocol.js";

/** Calls that move hardware get longer than the default. */
const SLOW: Partial<Record<DriverMethod, number>> = {
  register: 10_000,
  taskStart: 20_000,
  taskStop: 10_000,
  reset: 10_000,
};

interface Pending {
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
  ) {
    super();
    socket.setEncoding("utf8");
    socket.on(
      "data",
      lineReader((line) => this.onLine(line)),
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
  static connect(socketPath: string, options: { timeoutMs?: number } = {}): Promise<DriverClient> {
    const timeoutMs = options.timeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      const socket = connect(socketPath);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no driver host answered at ${socketPath} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.removeAllListeners("error");
        resolve(new DriverClient(socket, socketPath, timeoutMs));
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
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.socket.write(`${JSON.stringify({ id, method, params })}\n`);
    });
  }

  private onLine(line: string): void {
    let response: DriverResponse;
    try {
      response = JSON.parse(line) as DriverResponse;
    } catch {
      return;
    }
    const pending = this.pending.get(response.id);
    if (!pending) return;
    this.pending.delete(response.id);
    clearTimeout(pending.timer);
    if ("error" in response) pending.reject(new Error(response.error.message));
    else pending.resolve(response.result === null ? undefined : response.result);
  }
}
