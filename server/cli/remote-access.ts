import type { LogChunk } from "../../modules/sdk/job.js";
import type { RunView } from "../engine/engine.js";
import type { EngineEvent } from "../engine/engine-events.js";
import type { JobRecord } from "../engine/records.js";
import type { RunSummary } from "../engine/store.js";
import type { LabflowAccess } from "./labflow-access.js";

const FINAL = new Set(["completed", "failed", "cancelled"]);

/** An error the server answered with, shown as the server worded it. */
export class ServerError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error?: { code?: string; message?: string }; problems?: unknown[] },
  ) {
    super(body.error?.message ?? `the server answered ${status}`);
  }
}

/** A running `labflow serve` that owns the data folder, through its HTTP API. */
export class RemoteAccess implements LabflowAccess {
  readonly where = "server" as const;

  constructor(
    private readonly url: string,
    private readonly token?: string,
  ) {}

  startRun(document: unknown, options = {}) {
    return this.call<{ runId: string }>("POST", "/api/runs", { workflow: document, ...options });
  }

  getRun(runId: string) {
    return this.call<RunView>("GET", `/api/runs/${encodeURIComponent(runId)}`);
  }

  async listRuns() {
    return (await this.call<{ runs: RunSummary[] }>("GET", "/api/runs")).runs;
  }

  /** Polls the run; module and job changes are reported as the differences between two polls. */
  async waitForRun(
    runId: string,
    options: { untilSuspended?: boolean; onEvent?: (event: EngineEvent) => void },
  ) {
    const seen = new Map<string, string>();
    for (;;) {
      const view = await this.getRun(runId);
      for (const [moduleId, m] of Object.entries(view.modules)) {
        const key = `${m.status}:${m.progress ?? ""}`;
        if (seen.get(moduleId) === key) continue;
        seen.set(moduleId, key);
        options.onEvent?.({ type: "module", runId, moduleId, ...m });
      }
      if (FINAL.has(view.status) || (options.untilSuspended && view.status === "suspended")) return view;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  cancelRun(runId: string) {
    return this.call<{ message?: string }>("POST", `/api/runs/${encodeURIComponent(runId)}/cancel`);
  }

  resumeRun(runId: string) {
    return this.call<{ resumedJobs: number }>("POST", `/api/runs/${encodeURIComponent(runId)}/resume`);
  }

  async listJobs(filter?: { runId?: string }) {
    const query = filter?.runId ? `?runId=${encodeURIComponent(filter.runId)}` : "";
    return (await this.call<{ jobs: JobRecord[] }>("GET", `/api/jobs${query}`)).jobs;
  }

  getJob(jobId: string) {
    return this.call<JobRecord>("GET", `/api/jobs/${encodeURIComponent(jobId)}`);
  }

  checkJob(jobId: string) {
    return this.call<JobRecord>("POST", `/api/jobs/${encodeURIComponent(jobId)}/check`);
  }

  pauseJob(jobId: string, paused: boolean) {
    return this.call<JobRecord>(
      "POST",
      `/api/jobs/${encodeURIComponent(jobId)}/${paused ? "pause" : "resume"}`,
    );
  }

  cancelJob(jobId: string) {
    return this.call<{ job: JobRecord; message?: string }>(
      "POST",
      `/api/jobs/${encodeURIComponent(jobId)}/cancel`,
    );
  }

  jobLog(jobId: string, stream: "stdout" | "stderr", offset: number) {
    return this.call<LogChunk>(
      "GET",
      `/api/jobs/${encodeURIComponent(jobId)}/log?stream=${stream}&offset=${offset}`,
    );
  }

  async close() {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const response = await fetch(new URL(path, this.url), {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    const parsed = text ? JSON.parse(text) : {};
    if (!response.ok) throw new ServerError(response.status, parsed);
    return parsed as T;
  }
}
