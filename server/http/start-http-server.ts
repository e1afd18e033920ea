import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { openApp } from "../app/labflow-app.js";
import type { WorkflowDirs } from "../app/workflow-files.js";
import type { LabflowRuntime } from "../labflow-runtime.js";
import { tokenProblem } from "./access-token.js";
import { createApp } from "./create-app.js";
import { EventHub } from "./events/event-hub.js";
import { DEFAULT_LIMITS, type HttpLimits } from "./limits.js";
import { allowedHosts } from "./request-guards.js";

export interface HttpServerOptions {
  host: string;
  /** 0 picks any free port; the returned url has the real one. */
  port: number;
  /** Every /api request, editor page and the WebSocket must carry it; refused when tokenProblem() names one. */
  token: string;
  /** More names a request's Host may give besides this machine's own (`--allowed-hosts`). */
  allowedHosts?: readonly string[];
  /** The built client (dist/client); absent or not built: a page saying how to build it. */
  clientDir?: string;
  workflowsDirs: WorkflowDirs;
  /** Sizes, depths, timeouts and connections (limits.ts); default DEFAULT_LIMITS. */
  limits?: HttpLimits;
}

export interface HttpServer {
  url: string;
  /** Closes the WebSocket clients and every connection, then stops listening. */
  close(): Promise<void>;
}

/**
 * Serves a runtime over HTTP and WebSocket: the JSON API under /api, live events at /api/events,
 * the editor at /. Resolves once listening.
 */
export async function startHttpServer(
  runtime: LabflowRuntime,
  options: HttpServerOptions,
): Promise<HttpServer> {
  const problem = tokenProblem(options.token);
  if (problem) throw new Error(`refusing to serve with this token: ${problem}`);
  const hosts = allowedHosts(options.host, options.allowedHosts);
  const limits = options.limits ?? DEFAULT_LIMITS;
  const context = openApp(runtime, { workflowsDirs: options.workflowsDirs });
  const app = createApp(context, {
    token: options.token,
    allowedHosts: hosts,
    clientDir: options.clientDir,
    limits,
  });
  const hub = new EventHub(runtime, { token: options.token, allowedHosts: hosts });
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // Node checks the two timeouts this often (default 30 s, which would triple them).
      connectionsCheckingInterval: 1_000,
    },
    app,
  );
  server.maxConnections = limits.maxSockets;
  server.on("upgrade", (req, socket, head) => hub.handleUpgrade(req, socket, head));

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", (error) => console.error("labflow: HTTP server error:", error));

  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    close() {
      closing ??= (async () => {
        await hub.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}
