import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { eventMessage } from "../../app/views.js";
import type { AppEvent } from "../../app-events.js";
import type { LabflowRuntime } from "../../labflow-runtime.js";
import { isAuthorized, UNAUTHORIZED_MESSAGE } from "../auth.js";
import { type AllowedHosts, guardRefusal } from "../request-guards.js";
import { logRefusal } from "../request-log.js";
import { buildSnapshot } from "./snapshot.js";

export const EVENTS_PATH = "/api/events";

export interface EventHubOptions {
  /** Every upgrade needs it: the cookie, `Authorization: Bearer` or `?token=`. */
  token: string;
  allowedHosts: AllowedHosts;
  /** A client with more than this waiting to be sent is dropped; it reconnects and gets a snapshot. */
  maxBufferedBytes?: number;
  /** Pings every this often; a client that did not answer the last ping is dropped. */
  heartbeatMs?: number;
  /** A client that asked for batches (`?batch=1`) gets the events of this long in one message. */
  batchMs?: number;
}

interface Client {
  socket: WebSocket;
  alive: boolean;
  /**
   * Events waiting to go out as one `{ "type": "batch", "messages": [...] }`: thousands of job
   * checks a second cost a browser far more as separate messages than as a few batches.
   */
  batch?: string[];
}

/**
 * The WebSocket at /api/events: each client gets a snapshot of the current state, then every event
 * of the application bus as JSON. Listens to the bus once and fans out; checks Origin, Host and the token on the
 * upgrade; drops slow and dead clients.
 */
export class EventHub {
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly clients = new Set<Client>();
  /** Set while at least one client is connected: with none, nobody is told anything. */
  private stopListening: (() => void) | undefined;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly maxBufferedBytes: number;
  private batchTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly runtime: LabflowRuntime,
    private readonly options: EventHubOptions,
  ) {
    this.maxBufferedBytes = options.maxBufferedBytes ?? 8 * 1024 * 1024;
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
  }

  /** The HTTP server's `upgrade` listener. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", () => {}); // a peer resetting mid-handshake must not crash the server
    const refusal = this.refusalOf(req);
    if (refusal) {
      logRefusal(req, refusal.status, refusal.code);
      refuse(socket, refusal);
      return;
    }
    const batched = new URL(req.url ?? "/", "http://labflow.invalid").searchParams.get("batch") === "1";
    this.server.handleUpgrade(req, socket, head, (ws) => {
      try {
        this.connected(ws, batched);
      } catch (error) {
        console.error("labflow: a WebSocket client could not be given its snapshot:", error);
        ws.close(1011, "internal error");
      }
    });
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Says goodbye to every client (1001) and stops listening to the engine. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.stopListening?.();
    this.stopListening = undefined;
    const closing = [...this.clients].map(
      ({ socket }) =>
        new Promise<void>((resolve) => {
          socket.once("close", () => resolve());
          socket.close(1001, "the server is shutting down");
          setTimeout(() => socket.terminate(), 1_000).unref();
        }),
    );
    await Promise.all(closing);
    this.clients.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private refusalOf(req: IncomingMessage): Refusal | undefined {
    if (this.closed) return { status: 503, code: "shutting_down", message: "the server is shutting down" };
    const path = new URL(req.url ?? "/", "http://labflow.invalid").pathname;
    if (path !== EVENTS_PATH) return { status: 404, code: "not_found", message: `no WebSocket at ${path}` };
    const guarded = guardRefusal(req.headers, this.options.allowedHosts);
    if (guarded) return { status: 403, ...guarded };
    if (!isAuthorized(req, this.options.token))
      return { status: 401, code: "unauthorized", message: UNAUTHORIZED_MESSAGE };
    return undefined;
  }

  private connected(socket: WebSocket, batched: boolean): void {
    const client: Client = { socket, alive: true, ...(batched ? { batch: [] } : {}) };
    socket.on("error", () => socket.terminate());
    socket.on("pong", () => {
      client.alive = true;
    });
    socket.on("close", () => this.drop(client));
    // Snapshot then subscribe in the same turn: no event can fall in between.
    socket.send(JSON.stringify(buildSnapshot(this.runtime)));
    this.clients.add(client);
    // The bus is listened to only while someone is connected, so that the engine and the live data
    // tail skip building events nobody receives (a lab server nobody watches); a client that
    // connects later starts from its snapshot and fetches what it missed.
    this.stopListening ??= this.runtime.events.on((event) => this.broadcast(event));
  }

  private drop(client: Client): void {
    this.clients.delete(client);
    if (this.clients.size > 0) return;
    this.stopListening?.();
    this.stopListening = undefined;
  }

  private broadcast(event: AppEvent): void {
    if (this.clients.size === 0) return;
    const data = JSON.stringify(eventMessage(event));
    for (const client of this.clients) {
      const { socket } = client;
      if (socket.readyState !== socket.OPEN) continue;
      if (socket.bufferedAmount > this.maxBufferedBytes) {
        this.drop(client);
        socket.terminate();
        continue;
      }
      if (client.batch) {
        client.batch.push(data);
        this.batchTimer ??= setTimeout(() => this.sendBatches(), this.options.batchMs ?? 50);
      } else socket.send(data);
    }
  }

  private sendBatches(): void {
    this.batchTimer = undefined;
    for (const { socket, batch } of this.clients) {
      if (!batch || batch.length === 0) continue;
      if (socket.readyState === socket.OPEN) socket.send(`{"type":"batch","messages":[${batch.join(",")}]}`);
      batch.length = 0;
    }
  }

  private beat(): void {
    for (const client of this.clients) {
      if (!client.alive) {
        this.drop(client);
        client.socket.terminate();
        continue;
      }
      client.alive = false;
      client.socket.ping();
    }
  }
}

const REASONS: Record<number, string> = {
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  503: "Service Unavailable",
};

interface Refusal {
  status: number;
  code: string;
  message: string;
}

/** Answers an upgrade request with an HTTP error (same JSON body as the API) and closes. */
function refuse(socket: Duplex, { status, code, message }: Refusal): void {
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? "Error"}\r\n` +
      "Connection: close\r\nContent-Type: application/json\r\n" +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      (status === 401 ? 'WWW-Authenticate: Bearer realm="labflow"\r\n' : "") +
      `\r\n${body}`,
  );
}
