/**
 * The driver host's socket: NDJSON requests in, responses out (driver-protocol.ts). A request is
 * checked before it reaches the service; whatever it throws goes back as `{ error: { message } }`,
 * so a bad request never takes the host down.
 */
import { chmodSync, existsSync, unlinkSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import type { DriverHostApi } from "../protocol/driver-api.js";
import { prepareSocketDir } from "../protocol/driver-host-paths.js";
import {
  DriverError,
  type DriverMethod,
  type DriverRequest,
  type DriverResponse,
  lineReader,
  methodArgNames,
  methodParams,
} from "../protocol/driver-protocol.js";

/** Another living host already answers on the socket (a concurrent spawn lost the race). */
export class HostAlreadyRunning extends Error {}

export async function serveDriverHost(
  api: DriverHostApi,
  socketPath: string,
  log: (message: string) => void,
): Promise<Server> {
  prepareSocketDir(socketPath);
  const server = createServer((socket) => handleConnection(api, socket, log));
  try {
    await listen(server, socketPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    if (await answers(socketPath))
      throw new HostAlreadyRunning(`a driver host already listens on ${socketPath}`);
    // A stale socket file from a host that died: take its place.
    if (existsSync(socketPath)) unlinkSync(socketPath);
    await listen(server, socketPath);
  }
  // Only this user may drive the instruments (the data folder may be readable by others).
  chmodSync(socketPath, 0o600);
  return server;
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

function handleConnection(api: DriverHostApi, socket: Socket, log: (message: string) => void): void {
  socket.setEncoding("utf8");
  const send = (response: DriverResponse) => {
    if (!socket.destroyed) socket.write(`${JSON.stringify(response)}\n`);
  };
  socket.on(
    "data",
    lineReader((line) => void answer(api, line).then(send), {
      onOverlong: (message) => log(`a client sent a ${message}`),
    }),
  );
  socket.on("error", (error) => log(`client connection error: ${error.message}`));
}

async function answer(api: DriverHostApi, line: string): Promise<DriverResponse> {
  let request: DriverRequest;
  try {
    request = JSON.parse(line) as DriverRequest;
  } catch {
    return { id: -1, error: { message: `not a JSON request: ${line.slice(0, 200)}` } };
  }
  const id = typeof request.id === "number" ? request.id : -1;
  if (!Object.hasOwn(methodParams, request.method))
    return {
      id,
      error: {
        message: `unknown method "${request.method}" (known: ${Object.keys(methodParams).join(", ")})`,
      },
    };
  const method = request.method as DriverMethod;
  const parsed = methodParams[method].safeParse(request.params ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { id, error: { message: `${method}: ${issue.path.join(".") || "params"}: ${issue.message}` } };
  }
  const params = parsed.data as Record<string, unknown>;
  const args = methodArgNames[method].map((name) => params[name]);
  try {
    const call = api[method] as (...a: unknown[]) => Promise<unknown>;
    const result = await call.apply(api, args);
    return { id, result: result ?? null };
  } catch (error) {
    const code = error instanceof DriverError ? { code: error.code } : {};
    return { id, error: { message: (error as Error).message, ...code } };
  }
}
