/**
 * The one HTTP client of the editor: every call to `/api` goes through here. Each call names the
 * contract's schema of its answer (server/schema), and the answer is parsed with it: what the rest
 * of the client holds is what the contract says, never a cast. The token travels as the HttpOnly
 * cookie the server set when the page was opened as `/?token=...`: no script sees it.
 */
import { z } from "zod";
import { ApiErrorBody } from "../../../server/schema/api.js";
import { CatalogAnswer, type CatalogEntry } from "../../../server/schema/catalog.js";
import type { Problem } from "../../../server/schema/problem.js";
import {
  CancelAnswer,
  CheckAnswer,
  RunDetail,
  StartRunAnswer,
  type WorkflowListEntry,
  WorkflowsAnswer,
} from "../../../server/schema/views.js";
import { WorkflowDocument } from "../../../server/schema/workflow-document.js";

/**
 * 128 random bits as hex. Not crypto.randomUUID(): browsers offer it only on https or localhost,
 * and a server bound to 0.0.0.0 is opened by its address over plain http.
 */
function randomKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join(
    "",
  );
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

/** An error answer of the API, a network failure (code `network`) or an answer off the contract (`bad_answer`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly info: Problem,
    readonly problems: Problem[] = [],
  ) {
    super(info.message);
    this.name = "ApiError";
  }
}

/**
 * One JSON request to `/api`, its answer parsed with `answer` (a schema of the contract); an error
 * answer, a network failure or an answer the schema refuses throws ApiError.
 */
export async function request<S extends z.ZodType>(
  answer: S,
  method: string,
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<z.output<S>> {
  const { status, parsed } = await exchange(method, path, body, extraHeaders);
  const checked = answer.safeParse(parsed);
  if (checked.success) return checked.data;
  const issue = checked.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
  throw new ApiError(status, {
    code: "bad_answer",
    message: `${method} ${path}: the server's answer does not fit the contract (${issue?.message ?? "invalid"}${where})`,
  });
}

/** A request whose answer is not read (204, or an acknowledgement). */
export async function send(method: string, path: string, body?: unknown): Promise<void> {
  await exchange(method, path, body, {});
}

async function exchange(
  method: string,
  path: string,
  body: unknown,
  extraHeaders: Record<string, string>,
): Promise<{ status: number; parsed: unknown }> {
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
    const refusal = ApiErrorBody.safeParse(parsed);
    const info = refusal.success
      ? refusal.data.error
      : { code: `http_${response.status}`, message: `${method} ${path}: ${response.status}` };
    throw new ApiError(response.status, info, refusal.success ? (refusal.data.problems ?? []) : []);
  }
  return { status: response.status, parsed };
}

const enc = encodeURIComponent;

/** `GET /api/workflows/:name`: the document, or `{ workflow: document, ... }` (checked below). */
const WorkflowAnswer = z.record(z.string(), z.unknown());

export const api = {
  async modules(): Promise<CatalogEntry[]> {
    return (await request(CatalogAnswer, "GET", "/modules")).modules;
  },
  async workflows(): Promise<WorkflowListEntry[]> {
    return (await request(WorkflowsAnswer, "GET", "/workflows")).workflows;
  },
  /** A saved or example workflow; the answer is the document, or `{ workflow: document, ... }`. */
  async workflow(name: string): Promise<WorkflowDocument> {
    const answer = await request(WorkflowAnswer, "GET", `/workflows/${enc(name)}`);
    const raw = "version" in answer ? answer : answer.workflow;
    return WorkflowDocument.parse(raw);
  },
  async saveWorkflow(document: WorkflowDocument): Promise<void> {
    await send("PUT", `/workflows/${enc(document.name)}`, document);
  },
  async deleteWorkflow(name: string): Promise<void> {
    await send("DELETE", `/workflows/${enc(name)}`);
  },
  /** What a run of the document would be refused for, by the server's rules (none: `[]`). */
  async check(document: WorkflowDocument): Promise<Problem[]> {
    return (await request(CheckAnswer, "POST", "/workflows/check", { workflow: document })).problems;
  },
  async startRun(document: WorkflowDocument): Promise<string> {
    // One key per click: a retried request (a lost answer) never starts a second run.
    const key = { "Idempotency-Key": randomKey() };
    return (await request(StartRunAnswer, "POST", "/runs", { workflow: document }, key)).runId;
  },
  async run(runId: string): Promise<RunDetail> {
    return request(RunDetail, "GET", `/runs/${enc(runId)}`);
  },
  async cancelRun(runId: string): Promise<void> {
    await request(CancelAnswer, "POST", `/runs/${enc(runId)}/cancel`, {});
  },
};
