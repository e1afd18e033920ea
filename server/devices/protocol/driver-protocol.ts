/**
 * The wire form of DriverHostApi: NDJSON over a local socket, one request or response per line.
 * `{"id":1,"method":"get","params":{"target":{...},"name":"setpoint"}}` ->
 * `{"id":1,"result":{...}}` | `{"id":1,"error":{"message":"..."}}`.
 * Each method's params are named after its arguments and checked with zod on the host side, so a
 * malformed request is refused with a message naming the field.
 */
import { isAbsolute } from "node:path";
import { z } from "zod";
import type { DriverHostApi } from "./driver-api.js";

export type DriverMethod = keyof DriverHostApi;

const target = z.strictObject({ device: z.string().min(1), channel: z.string().min(1) });
const component = target.extend({
  address: z.string().min(1),
  pollMs: z.number().int().positive(),
  settings: z.record(z.string(), z.unknown()),
});
const task = z.strictObject({
  taskId: z.string().min(1),
  technique: z.string().min(1),
  params: z.record(z.string(), z.unknown()),
  durationMs: z.number().positive(),
  samplingMs: z.number().int().positive(),
  /** Absolute: the host runs in another folder than the server. */
  dataFile: z.string().refine(isAbsolute, "must be an absolute path"),
});

/** Argument names, in call order, and their schemas. */
export const methodParams = {
  hello: z.strictObject({}),
  ping: z.strictObject({}),
  register: z.strictObject({ component }),
  attributes: z.strictObject({ target }),
  get: z.strictObject({ target, name: z.string().min(1) }),
  set: z.strictObject({
    target,
    name: z.string().min(1),
    value: z.union([z.number(), z.string(), z.boolean()]),
  }),
  taskStart: z.strictObject({ target, task }),
  taskStatus: z.strictObject({ target, taskId: z.string().min(1) }),
  taskStop: z.strictObject({ target, taskId: z.string().min(1) }),
  reset: z.strictObject({ target }),
} satisfies Record<DriverMethod, z.ZodType>;

export const methodArgNames: Record<DriverMethod, string[]> = {
  hello: [],
  ping: [],
  register: ["component"],
  attributes: ["target"],
  get: ["target", "name"],
  set: ["target", "name", "value"],
  taskStart: ["target", "task"],
  taskStatus: ["target", "taskId"],
  taskStop: ["target", "taskId"],
  reset: ["target"],
};

export interface DriverRequest {
  id: number;
  method: string;
  params?: Record<string, unknown>;
}

/**
 * The codes a driver host gives its errors, for the server to act on (never the message's words):
 * `unknown_task` — this host never ran the task, or forgot it (it was respawned since).
 */
export type DriverErrorCode = "unknown_task";

export type DriverResponse =
  | { id: number; result: unknown }
  | { id: number; error: { message: string; code?: DriverErrorCode } };

/** An error with a code that crosses the driver protocol (on either side of it). */
export class DriverError extends Error {
  constructor(
    readonly code: DriverErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "DriverError";
  }
}

/** Whether an error is the driver protocol's `code` (thrown by a host, or received from one). */
export function isDriverError(error: unknown, code: DriverErrorCode): boolean {
  return error instanceof DriverError && error.code === code;
}

/** The longest request or response line, in characters; a longer one is dropped whole. */
export const MAX_MESSAGE_LENGTH = 64 * 1024;

/**
 * Calls `onLine` for each complete line of a socket's text stream. A line longer than `maxLength`
 * (a peer that is not a labflow driver host, or a runaway) is dropped whole, never kept growing in
 * memory, and reported to `onOverlong`.
 */
export function lineReader(
  onLine: (line: string) => void,
  options: { maxLength?: number; onOverlong?: (message: string) => void } = {},
): (chunk: string) => void {
  const maxLength = options.maxLength ?? MAX_MESSAGE_LENGTH;
  let partial = "";
  let overlong = false;
  return (chunk) => {
    for (let from = 0; ; ) {
      const end = chunk.indexOf("\n", from);
      const piece = chunk.slice(from, end === -1 ? undefined : end);
      if (!overlong) {
        partial += piece;
        if (partial.length > maxLength) {
          overlong = true;
          partial = "";
          options.onOverlong?.(`line longer than ${maxLength} characters; dropped`);
        }
      }
      if (end === -1) return;
      const line = partial;
      partial = "";
      if (!overlong && line.trim()) onLine(line);
      overlong = false;
      from = end + 1;
    }
  };
}
