/** Small clients for the API tests: JSON over fetch, and the event WebSocket with waits on messages. */
import WebSocket from "ws";
import { isFinishedRun } from "../../../server/schema/states.js";
import { waitUntil } from "../../helpers/wait-until.js";

/** Answers are read by expectations, which check their shape: typing them loosely keeps tests short. */
// biome-ignore lint/suspicious/noExplicitAny: JSON under test, checked by the expectations
export type Json = any;

export interface Answer<T = Json> {
  status: number;
  body: T;
  headers: Headers;
}

/** JSON requests against one server; `raw` sends a body as given (malformed JSON, huge bodies). */
export function apiClient(baseUrl: string, options: { token?: string } = {}) {
  async function request<T = Json>(
    method: string,
    path: string,
    init: { json?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ): Promise<Answer<T>> {
    const headers: Record<string, string> = { ...init.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (init.json !== undefined || init.raw !== undefined) {
      headers["content-type"] ??= "application/json";
      body = init.raw ?? JSON.stringify(init.json);
    }
    const response = await fetch(new URL(path, baseUrl), { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (the client page): keep the text
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }
  return {
    request,
    get: <T = Json>(path: string) => request<T>("GET", path),
    post: <T = Json>(path: string, json?: unknown) => request<T>("POST", path, { json }),
    put: <T = Json>(path: string, json?: unknown) => request<T>("PUT", path, { json }),
    delete: <T = Json>(path: string) => request<T>("DELETE", path),
    /** Polls GET /api/runs/:id until the run is final. */
    async finishedRun(runId: string, timeoutMs = 60_000) {
      return waitUntil(
        async () => {
          const { body } = await request("GET", `/api/runs/${runId}`);
          return isFinishedRun(body.status) ? body : undefined;
        },
        `run ${runId} to finish`,
        timeoutMs,
        50,
      );
    },
  };
}

export type ApiClient = ReturnType<typeof apiClient>;

/** An open /api/events connection that keeps every message it got. */
export interface EventStream {
  messages: Json[];
  /** Resolves with the first message (already received or coming) that matches. */
  next(match: (message: Json) => boolean, what: string, timeoutMs?: number): Promise<Json>;
  close(): Promise<void>;
}

export function eventsUrl(baseUrl: string, token?: string, batch = false): string {
  const url = new URL("/api/events", baseUrl.replace(/^http/, "ws"));
  if (token) url.searchParams.set("token", token);
  if (batch) url.searchParams.set("batch", "1");
  return url.href;
}

export async function openEvents(
  baseUrl: string,
  options: { token?: string; headers?: Record<string, string>; batch?: boolean } = {},
): Promise<EventStream> {
  const socket = new WebSocket(eventsUrl(baseUrl, options.token, options.batch), {
    headers: options.headers,
  });
  const messages: Json[] = [];
  socket.on("message", (data) => messages.push(JSON.parse(String(data))));
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  return {
    messages,
    next: (match, what, timeoutMs = 30_000) => waitUntil(() => messages.find(match), what, timeoutMs, 10),
    close: () =>
      new Promise<void>((resolve) => {
        if (socket.readyState === WebSocket.CLOSED) return resolve();
        socket.once("close", () => resolve());
        socket.close();
      }),
  };
}

/** Tries to open /api/events and reports the HTTP status of a refused upgrade (or 101). */
export function upgradeStatus(
  baseUrl: string,
  options: { token?: string; headers?: Record<string, string> } = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(eventsUrl(baseUrl, options.token), { headers: options.headers });
    socket.once("unexpected-response", (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      socket.terminate();
    });
    socket.once("open", () => {
      resolve(101);
      socket.close();
    });
    socket.on("error", (error) => reject(error));
  });
}
