import { type Response, Router } from "express";
import type { LabflowApp } from "../../app/labflow-app.js";
import {
  folderFileInfo,
  jobFolder,
  jobLogChunks,
  listFolderFiles,
  openFolderFile,
} from "../../app/result-files.js";
import { cancelJobAnswer, jobView } from "../../app/views.js";
import { jobData, jobDataCsv, streamJobDataCsv } from "../../devices/lab/job-data.js";
import { FileQuery, JobFilesQuery, JobIntervalRequest, JobsQuery, LogQuery } from "../../schema/api.js";
import { JobDataQuery } from "../../schema/pipelines-api.js";
import { sendAttachment } from "../send-file.js";
import { parseBody, parseQuery } from "../validate-input.js";

/** `/api/jobs`: the Job Monitor's list and its actions on one job. */
export function jobsRoutes({ runtime }: LabflowApp): Router {
  const { monitor } = runtime;
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
      res.json(cancelJobAnswer(await monitor.cancelJob(req.params.id)));
    })
    .put("/:id/interval", (req, res) => {
      const { intervalMs } = parseBody(JobIntervalRequest, req.body);
      res.json(jobView(monitor.setJobInterval(req.params.id, intervalMs)));
    })
    .get("/:id/data", async (req, res) => {
      const { format, offset, maxPoints } = parseQuery(JobDataQuery, req.query);
      if (format === "json" || maxPoints !== undefined) {
        const data = await jobData(runtime, req.params.id, offset, maxPoints);
        if (format === "csv") res.type("text/csv; charset=utf-8").send(jobDataCsv(data));
        else res.json(data);
        return;
      }
      // The whole file from `offset` on, streamed: never capped, never held in memory whole.
      res.type("text/csv; charset=utf-8");
      try {
        await streamJobDataCsv(runtime, req.params.id, offset, (text) => writeTo(res, text));
        res.end();
      } catch (error) {
        if (!res.headersSent) throw error;
        // Too late for an error status: cut the answer so the client sees it incomplete.
        res.destroy(error as Error);
      }
    })
    .get("/:id/log", async (req, res) => {
      const { stream, offset, download } = parseQuery(LogQuery, req.query);
      if (download === "0") {
        res.json(await monitor.log(req.params.id, stream, offset));
        return;
      }
      // The whole stream as a file: read through the job's handle (a cluster job's too), streamed.
      const chunks = jobLogChunks(runtime, req.params.id, stream);
      const first = await chunks.next(); // refusals (no such job, no such stream) answer as errors
      res.attachment(`${req.params.id}-${stream}.txt`).type("text/plain; charset=utf-8");
      res.setHeader("X-Content-Type-Options", "nosniff");
      try {
        if (!first.done) await writeTo(res, first.value);
        for await (const text of chunks) await writeTo(res, text);
        res.end();
      } catch (error) {
        if (!res.headersSent) throw error;
        res.destroy(error as Error);
      }
    })
    .get("/:id/files", async (req, res) => {
      const { path } = parseQuery(JobFilesQuery, req.query);
      const folder = jobFolder(runtime, req.params.id);
      if (path === undefined) res.json({ files: await listFolderFiles(folder) });
      else await sendAttachment(res, await openFolderFile(folder, path));
    })
    .get("/:id/file-info", async (req, res) => {
      const { path } = parseQuery(FileQuery, req.query);
      res.json(await folderFileInfo(jobFolder(runtime, req.params.id), path));
    });
}

/** Writes to the response, waiting while the client is slower than the file is read. */
function writeTo(res: Response, text: string): Promise<void> {
  if (res.destroyed) return Promise.reject(new Error("the client went away"));
  if (res.write(text)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      res.off("drain", onDrain);
      res.off("close", onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new Error("the client went away"));
    res.once("drain", onDrain);
    res.once("close", onClose);
  });
}
