import { Router } from "express";
import { JobIntervalRequest, JobsQuery, LogQuery } from "../../schema/api.js";
import type { HttpContext } from "../http-context.js";
import { parseBody, parseQuery } from "../validate-input.js";
import { jobView } from "../views.js";

/** `/api/jobs`: the Job Monitor's list and its actions on one job. */
export function jobsRoutes({ runtime: { monitor } }: HttpContext): Router {
  return Router()
    .get("/", (req, res) => {
      const { runId, state } = parseQuery(JobsQuery, req.query);
      const jobs = monitor.list({ ...(runId ? { runId } : {}), ...(state ? { states: state } : {}) });
      res.json({ jobs: jobs.map(jobView) });
    })
    .get("/:id", (req, res) => {
      res.json(jobView(monitor.get(req.params.id)));
    })
    .delete("/:id", async (req, res) => {
      await monitor.delete(req.params.id);
      res.status(204).end();
    })
    .post("/:id/check", async (req, res) => {
      res.json(jobView(await monitor.checkNow(req.params.id)));
    })
    .post("/:id/pause", (req, res) => {
      res.json(jobView(monitor.pause(req.params.id)));
    })
    .post("/:id/resume", (req, res) => {
      res.json(jobView(monitor.resume(req.params.id)));
    })
    .post("/:id/cancel", async (req, res) => {
      const { job, message } = await monitor.cancelJob(req.params.id);
      res.json({ job: jobView(job), ...(message !== undefined ? { message } : {}) });
    })
    .put("/:id/interval", (req, res) => {
      const { intervalMs } = parseBody(JobIntervalRequest, req.body);
      res.json(jobView(monitor.setJobInterval(req.params.id, intervalMs)));
    })
    .get("/:id/log", async (req, res) => {
      const { stream, offset } = parseQuery(LogQuery, req.query);
      res.json(await monitor.log(req.params.id, stream, offset));
    });
}
