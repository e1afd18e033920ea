/**
 * The Job Monitor's calls: jobs, run actions and settings (docs/api.md), through the one HTTP
 * client; every answer is parsed with the contract's schema (server/schema).
 */
import { z } from "zod";
import {
  type CheckIntervalSetting,
  type Settings as MonitorSettings,
  Settings,
} from "../../server/schema/api.js";
import {
  CancelAnswer,
  CancelJobAnswer,
  CheckedAnswer,
  JobsAnswer,
  JobView,
  LogChunkView,
  PausedAnswer,
  ResumedChecksAnswer,
  ResumedRunAnswer,
  RunDetail,
  type RunSummaryView,
  RunsAnswer,
} from "../../server/schema/views.js";
import { request, send } from "../platform/api/api-client.js";
import type { LogStream, RunInfo } from "./job-types.js";

const enc = encodeURIComponent;
const job = (id: string, action = "") => `/jobs/${enc(id)}${action}`;
const run = (id: string, action = "") => `/runs/${enc(id)}${action}`;

const runInfo = (r: RunSummaryView): RunInfo => ({
  id: r.id,
  workflowName: r.workflowName,
  status: r.status,
  createdAt: r.createdAt,
});

/** Only what the monitor reads of `GET /api/runs/:id` (not the document's modules). */
const RunHeader = RunDetail.pick({ runId: true, status: true, createdAt: true }).extend({
  workflow: z.object({ name: z.string().optional() }).optional(),
});

export const jobsApi = {
  async jobs(): Promise<JobView[]> {
    return (await request(JobsAnswer, "GET", "/jobs")).jobs;
  },
  /** The newest runs (the server's limit is 1,000 a page). */
  async runs(): Promise<RunInfo[]> {
    return (await request(RunsAnswer, "GET", "/runs?limit=1000")).runs.map(runInfo);
  },
  async run(id: string): Promise<RunInfo> {
    const r = await request(RunHeader, "GET", run(id));
    return { id: r.runId, status: r.status, createdAt: r.createdAt, workflowName: r.workflow?.name ?? id };
  },
  check: (id: string) => request(JobView, "POST", job(id, "/check"), {}),
  pause: (id: string) => request(JobView, "POST", job(id, "/pause"), {}),
  resume: (id: string) => request(JobView, "POST", job(id, "/resume"), {}),
  cancel: (id: string) => request(CancelJobAnswer, "POST", job(id, "/cancel"), {}),
  delete: (id: string) => send("DELETE", job(id)),
  setInterval: (id: string, intervalMs: number | null) =>
    request(JobView, "PUT", job(id, "/interval"), { intervalMs }),
  log: (id: string, stream: LogStream, offset: number) =>
    request(LogChunkView, "GET", job(id, `/log?stream=${stream}&offset=${offset}`)),

  checkRun: (id: string) => request(CheckedAnswer, "POST", run(id, "/check-all"), {}),
  pauseRun: (id: string) => request(PausedAnswer, "POST", run(id, "/pause-all"), {}),
  resumeRunChecks: (id: string) => request(ResumedChecksAnswer, "POST", run(id, "/resume-checks"), {}),
  resumeRun: (id: string) => request(ResumedRunAnswer, "POST", run(id, "/resume"), {}),
  cancelRun: (id: string) => request(CancelAnswer, "POST", run(id, "/cancel"), {}),

  settings: (): Promise<MonitorSettings> => request(Settings, "GET", "/settings"),
  putSettings: (change: { checkInterval?: CheckIntervalSetting; autoResume?: boolean }) =>
    request(Settings, "PUT", "/settings", change),
};
