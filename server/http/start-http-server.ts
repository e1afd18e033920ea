import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { LabflowRuntime } from "../labflow-runtime.js";
import { createApp } from "./create-app.js";
import { EventHub } from "./events/event-hub.js";
import { SettingsState } from "./settings-state.js";
import { type WorkflowDirs, WorkflowFiles } from "./workflow-files.js";

export interface HttpServerOptions {
  host: string;
  /** 0 picks any free port; the returned url has the real one. */
  port: number;
  /** When set, every /api request and the WebSocket must carry it. */
  token?: string;
  /** The built client (dist/client); absent or not built: a page saying how to build it. */
  clientDir?: string;
  workflowsDirs: WorkflowDirs;
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
  const context = {
    runtime,
    workflows: new WorkflowFiles(options.workflowsDirs),
    settings: new SettingsState(runtime.store, runtime.monitor, (settings) =>
      runtime.events.emit({ type: "settings", settings }),
    ),
  };
  const app = createApp(context, { token: options.token, clientDir: options.clientDir });
  const hub = new EventHub(runtime, { token: options.token });
  const server = createServer(app);
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
