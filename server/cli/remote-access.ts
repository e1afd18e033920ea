import { randomUUID } from "node:crypto";
import type { z } from "zod";
import type { ServerMessage } from "../schema/messages.js";
import { isFinishedRun } from "../schema/states.js";
import {
  CancelAnswer,
  CancelJobAnswer,
  JobsAnswer,
  JobView,
  LogChunkView,
  ResumedRunAnswer,
  RunDetail,
  RunsAnswer,
  StartRunAnswer,
} from "../schema/views.js";
import { CliError } from "./cli-error.js";
import type { LabflowAccess } from "./labflow-access.js";
import { type ReconnectOptions, reachNextServer } from "./server-reconnect.js";

/** An error the server answered with, shown as the server worded it. */
export class ServerError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error?: { code?: string; message?: string }; problems?: unknown[] },
  ) {
    super(body.error?.message ?? `the server answered ${status}`);
  }
}

/** No answer at all from the server (it stopped, was killed, or hangs): not an answer it gave. */
export class ServerUnreachableError extends CliError {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`cannot reach labflow serve at ${url} (${reason})`);
  }
}

/**
 * A running `labflow serve` that owns the data folder, through its HTTP API. With `reconnect`,
 * following a run survives a restart of the server: the next server of the data folder is waited
 * for and the run followed on through it.
 */
export class RemoteAccess implements LabflowAccess {
  readonly where = "server" as const;

  constructor(
    private url: string,
    private token?: string,
    private readonly reconnect?: ReconnectOptions,
  ) {}

  async startRun(document: unknown, options = {}) {
    // One key per command: the server starts one run for it, however often the request is sent.
    const answer = await callServer<unknown>(
      this.url,
      this.token,
      "POST",
      "/api/runs",
      { workflow: document, ...options },
      { "idempotency-key": randomUUID() },
    );
    return parseAnswer(StartRunAnswer, answer, "POST /api/runs");
  }

  /** The server restores and continues its unfinished runs itself. */
  async interruptedRunOf(): Promise<undefined> {
    return undefined;
  }

  getRun(runId: string) {
    return this.call(RunDetail, "GET", `/api/runs/${encodeURIComponent(runId)}`);
  }

  async listRuns() {
    return (await this.call(RunsAnswer, "GET", "/api/runs")).runs;
  }

  /** Polls the run; module and job changes are reported as the differences between two polls. */
  async waitForRun(
    runId: string,
    options: { untilSuspended?: boolean; onEvent?: (event: ServerMessage) => void },
  ) {
    const seen = new Map<string, string>();
    for (;;) {
      const view = await this.getRunThroughRestarts(runId);
      for (const [moduleId, m] of Object.entries(view.modules)) {
        const key = `${m.status}:${m.progress ?? ""}`;
        if (seen.get(moduleId) === key) continue;
        seen.set(moduleId, key);
        options.onEvent?.({ type: "module", runId, moduleId, ...m });
      }
      if (isFinishedRun(view.status) || (options.untilSuspended && view.status === "suspended")) return view;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  cancelRun(runId: string) {
    return this.call(CancelAnswer, "POST", `/api/runs/${encodeURIComponent(runId)}/cancel`);
  }

  resumeRun(runId: string) {
    return this.call(ResumedRunAnswer, "POST", `/api/runs/${encodeURIComponent(runId)}/resume`);
  }

  async listJobs(filter?: { runId?: string }) {
    const query = filter?.runId ? `?runId=${encodeURIComponent(filter.runId)}` : "";
    return (await this.call(JobsAnswer, "GET", `/api/jobs${query}`)).jobs;
  }

  getJob(jobId: string) {
    return this.call(JobView, "GET", `/api/jobs/${encodeURIComponent(jobId)}`);
  }

  checkJob(jobId: string) {
    return this.call(JobView, "POST", `/api/jobs/${encodeURIComponent(jobId)}/check`);
  }

  pauseJob(jobId: string, paused: boolean) {
    return this.call(
      JobView,
      "POST",
      `/api/jobs/${encodeURIComponent(jobId)}/${paused ? "pause" : "resume"}`,
    );
  }

  cancelJob(jobId: string) {
    return this.call(CancelJobAnswer, "POST", `/api/jobs/${encodeURIComponent(jobId)}/cancel`);
  }

  jobLog(jobId: string, stream: "stdout" | "stderr", offset: number) {
    return this.call(
      LogChunkView,
      "GET",
      `/api/jobs/${encodeURIComponent(jobId)}/log?stream=${stream}&offset=${offset}`,
    );
  }

  async close() {}

  /** The run, from this server or, when it went away, from the data folder's next one. */
  private async getRunThroughRestarts(runId: string): Promise<RunDetail> {
    try {
      return await this.getRun(runId);
    } catch (error) {
      if (!(error instanceof ServerUnreachableError) || !this.reconnect) throw error;
      const { server, answer } = await reachNextServer(
        this.reconnect,
        { url: error.url, reason: error.reason },
        `run ${runId} goes on with the data folder`,
        (next) => callServer<unknown>(next.url, next.token, "GET", `/api/runs/${encodeURIComponent(runId)}`),
      );
      this.url = server.url;
      this.token = server.token;
      return parseAnswer(RunDetail, answer, `GET /api/runs/${runId}`);
    }
  }

  private async call<S extends z.ZodType>(
    schema: S,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<z.infer<S>> {
    return parseAnswer(
      schema,
      await callServer<unknown>(this.url, this.token, method, path, body),
      `${method} ${path}`,
    );
  }
}

/**
 * An answer checked against the wire contract: a server of another version that answers in
 * another shape is told as such, naming the field, instead of a command printing `undefined`.
 */
function parseAnswer<S extends z.ZodType>(schema: S, answer: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(answer);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.length ? issue.path.join(".") : "the answer";
  throw new ServerError(200, {
    error: {
      code: "bad_answer",
      message: `${what} answered in a shape this labflow does not know (${field}: ${issue?.message ?? "invalid"}): is the server the same labflow version?`,
    },
  });
}

/**
 * One request to the server's JSON API: the parsed answer, or a ServerError as the server worded
 * it. An answer that is not JSON (a proxy's error page, another program on the port) is told as
 * such, with its status and first characters, instead of a bare JSON syntax error.
 */
export async function callServer<T>(
  url: string,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json", ...extraHeaders };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (token) headers.authorization = `Bearer ${token}`;
  const target = new URL(path, url);
  let response: Response;
  let text: string;
  try {
    response = await fetch(target, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    // Inside: a server killed while it answers breaks the body, not the request.
    text = await response.text();
  } catch (error) {
    // The server holding the data folder stopped answering (it is stopping, or hangs): a sentence, not a stack.
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new ServerUnreachableError(url, cause?.code ?? cause?.message ?? (error as Error).message);
  }
  let parsed: unknown = {};
  try {
    if (text) parsed = JSON.parse(text);
  } catch {
    const start = text.slice(0, 80).replace(/\s+/g, " ").trim();
    throw new ServerError(response.status, {
      error: {
        code: "bad_answer",
        message: `${method} ${target.href} answered ${response.status} with something that is not JSON ("${start}${text.length > 80 ? "…" : ""}"): is labflow serve listening there?`,
      },
    });
  }
  if (!response.ok) throw new ServerError(response.status, parsed as ServerError["body"]);
  return parsed as T;
}
