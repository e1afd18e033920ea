/**
 * The instrument calls (docs/api.md, "Pipelines" and "Job data"), through the one HTTP client;
 * every answer is parsed with the contract's schema (server/schema).
 */
import { JobDataAnswer, PipelineStatusView, PipelinesAnswer } from "../../server/schema/pipelines-api.js";
import { JobsAnswer, JobView } from "../../server/schema/views.js";
import { request } from "../platform/api/api-client.js";

const enc = encodeURIComponent;
const pipeline = (name: string, action: string) => `/pipelines/${enc(name)}/${action}`;

export const instrumentsApi = {
  pipelines: () => request(PipelinesAnswer, "GET", "/pipelines"),
  load: (name: string, sample: string) =>
    request(PipelineStatusView, "POST", pipeline(name, "load"), { sample }),
  eject: (name: string) => request(PipelineStatusView, "POST", pipeline(name, "eject"), {}),
  ready: (name: string, ready: boolean) =>
    request(PipelineStatusView, "POST", pipeline(name, "ready"), { ready }),
  /** With `maxPoints`, a server that knows it thins a longer range evenly (`decimated: true`). */
  jobData: (jobId: string, offset: number, maxPoints?: number) =>
    request(
      JobDataAnswer,
      "GET",
      `/jobs/${enc(jobId)}/data?offset=${offset}${maxPoints ? `&maxPoints=${maxPoints}` : ""}`,
    ),
  job: (jobId: string) => request(JobView, "GET", `/jobs/${enc(jobId)}`),
  jobsOfRun: async (runId: string) => (await request(JobsAnswer, "GET", `/jobs?runId=${enc(runId)}`)).jobs,
};
