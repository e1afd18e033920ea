/**
 * The one HTTP client of the editor: every call to `/api` goes through here. The token travels as
 * the HttpOnly cookie the server set when the page was opened as `/?token=...`: no script sees it.
 */
import { WorkflowDocument } from "../../server/schema/workflow-document.js";
import type { CatalogEntry } from "./catalog.js";
import type { ErrorInfo, RunResponse } from "./runs.js";

/**
 * 128 random bits as hex. Not crypto.randomUUID(): browsers offer it only on https or localhost,
 * and a server bound to 0.0.0.0 is opened by its address over plain http.
 */
function randomKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join(
    "",
  );
}

/** An error answer of the API, or a network failure (code `network`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly info: ErrorInfo,
    readonly problems: ErrorInfo[] = [],
  ) {
    super(info.message);
    this.name = "ApiError";
  }
}

const RELOADED_AT = "labflow-reloaded-for-token";

/**
 * The server restarted with a new token (the cookie is stale): reloading shows its page asking
 * for the new one. Once a minute at most: a page served by another server (Vite's, in
 * development) would otherwise reload for ever.
 */
function showTokenPage(): void {
  if (typeof location === "undefined" || typeof sessionStorage === "undefined") return;
  const last = Number(sessionStorage.getItem(RELOADED_AT) ?? 0);
  if (Date.now() - last < 60_000) return;
  sessionStorage.setItem(RELOADED_AT, String(Date.now()));
  location.reload();
}

/** One JSON request to `/api`; an error answer or a network failure throws ApiError. */
export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json", ...extraHeaders };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(`/api${path}`, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError(0, { code: "network", message: `the server cannot be reached (${String(error)})` });
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = undefined;
  }
  if (response.status === 401) showTokenPage();
  if (!response.ok) {
    const answer = parsed as { error?: ErrorInfo; problems?: ErrorInfo[] } | undefined;
    const info = answer?.error ?? {
      code: `http_${response.status}`,
      message: `${method} ${path}: ${response.status}`,
    };
    throw new ApiError(response.status, info, answer?.problems ?? []);
  }
  return parsed as T;
}

const enc = encodeURIComponent;

export interface WorkflowListItem {
  name: string;
  readOnly: boolean;
  description?: string;
}

export const api = {
  async modules(): Promise<CatalogEntry[]> {
    return (await request<{ modules: CatalogEntry[] }>("GET", "/modules")).modules;
  },
  async workflows(): Promise<WorkflowListItem[]> {
    return (await request<{ workflows: WorkflowListItem[] }>("GET", "/workflows")).workflows;
  },
  /** A saved or example workflow; the answer is the document, or `{ workflow: document, ... }`. */
  async workflow(name: string): Promise<WorkflowDocument> {
    const answer = await request<Record<string, unknown>>("GET", `/workflows/${enc(name)}`);
    const raw = "version" in answer ? answer : answer.workflow;
    return WorkflowDocument.parse(raw);
  },
  async saveWorkflow(document: WorkflowDocument): Promise<void> {
    await request("PUT", `/workflows/${enc(document.name)}`, document);
  },
  async deleteWorkflow(name: string): Promise<void> {
    await request("DELETE", `/workflows/${enc(name)}`);
  },
  async startRun(document: WorkflowDocument): Promise<string> {
    // One key per click: a retried request (a lost answer) never starts a second run.
    const key = { "Idempotency-Key": randomKey() };
    return (await request<{ runId: string }>("POST", "/runs", { workflow: document }, key)).runId;
  },
  async run(runId: string): Promise<RunResponse> {
    return request<RunResponse>("GET", `/runs/${enc(runId)}`);
  },
  async cancelRun(runId: string): Promise<void> {
    await request("POST", `/runs/${enc(runId)}/cancel`, {});
  },
};
