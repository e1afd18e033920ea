/** The Job Monitor's calls: jobs, run actions and settings (docs/api.md), through the one HTTP client. */
import { request } from "../api/api-client.js";
import type { RunStatus } from "../api/runs.js";
import type { CheckInterval, JobView, LogChunk, LogStream, MonitorSettings, RunInfo } from "./job-types.js";

const enc = encodeURIComponent;
const job = (id: string, action = "") => `/jobs/${enc(id)}${action}`;
const run = (id: string, action = "") => `/runs/${enc(id)}${action}`;

interface RunSummaryAnswer {
  id: string;
  workflowName: string;
  status: RunStatus;
  createdAt: string;
  message?: string;
}

const runInfo = (r: RunSummaryAnswer): RunInfo => ({
  id: r.id,
  workflowName: r.workflowName,
  status: r.status,
  createdAt: r.createdAt,
  ...(r.message ? { message: r.message } : {}),
});

export const jobsApi = {
  async jobs(): Promise<JobView[]> {
    return (await request<{ jobs: JobView[] }>("GET", "/jobs")).jobs;
  },
  /** The newest runs (the server's limit is 1,000 a page). */
  async runs(): Promise<RunInfo[]> {
    return (await request<{ runs: RunSummaryAnswer[] }>("GET", "/runs?limit=1000")).runs.map(runInfo);
  },
  async run(id: string): Promise<RunInfo> {
    const r = await request<{
      runId: string;
      status: RunStatus;
      createdAt: string;
      workflow?: { name?: string };
    }>("GET", run(id));
    return { id: r.runId, status: r.status, createdAt: r.createdAt, workflowName: r.workflow?.name ?? id };
  },
  check: (id: string) => request<JobView>("POST", job(id, "/check"), {}),
  pause: (id: string) => request<JobView>("POST", job(id, "/pause"), {}),
  resume: (id: string) => request<JobView>("POST", job(id, "/resume"), {}),
  cancel: (id: string) => request<{ job: JobView; message?: string }>("POST", job(id, "/cancel"), {}),
  delete: (id: string) => request<void>("DELETE", job(id)),
  setInterval: (id: string, intervalMs: number | null) =>
    request<JobView>("PUT", job(id, "/interval"), { intervalMs }),
  log: (id: string, stream: LogStream, offset: number) =>
    request<LogChunk>("GET", job(id, `/log?stream=${stream}&offset=${offset}`)),

  checkRun: (id: string) => request<{ checked: number }>("POST", run(id, "/check-all"), {}),
  pauseRun: (id: string) => request<{ paused: number }>("POST", run(id, "/pause-all"), {}),
  resumeRunChecks: (id: string) => request<{ resumed: number }>("POST", run(id, "/resume-checks"), {}),
  resumeRun: (id: string) => request<{ resumedJobs: number }>("POST", run(id, "/resume"), {}),
  cancelRun: (id: string) => request<{ message?: string }>("POST", run(id, "/cancel"), {}),

  settings: () => request<MonitorSettings>("GET", "/settings"),
  putSettings: (change: { checkInterval?: CheckInterval; autoResume?: boolean }) =>
    request<MonitorSettings>("PUT", "/settings", change),
};
