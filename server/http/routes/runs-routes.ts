import { Router } from "express";
import { IDEMPOTENCY_HEADER } from "../../app/idempotent-starts.js";
import type { LabflowApp } from "../../app/labflow-app.js";
import { folderFileInfo, openFolderFile, runFileFolder, runLog } from "../../app/result-files.js";
import { deleteFinishedRun, requireRun } from "../../app/runs.js";
import { runDetail } from "../../app/views.js";
import { FileQuery, RunLogQuery, RunsQuery, StartRunRequest } from "../../schema/api.js";
import { sendAttachment } from "../send-file.js";
import { parseBody, parseQuery } from "../validate-input.js";

/**
 * `/api/runs`: start, list, show, cancel, resume and delete runs; check or pause all their jobs;
 * their log and the files of their folder.
 */
export function runsRoutes({ runtime, workflows, settings, starts }: LabflowApp): Router {
  const { engine, monitor } = runtime;
  return Router()
    .post("/", async (req, res) => {
      const body = parseBody(StartRunRequest, req.body);
      const document = body.workflow ?? (await workflows.get(body.name as string)).workflow;
      const { runId, replayed } = starts.startOnce(req.get(IDEMPOTENCY_HEADER), body, () =>
        engine.startRun(document, {
          autoResume: body.autoResume ?? settings.get().autoResume,
          ...(body.rerun ? { rerun: body.rerun } : {}),
        }),
      );
      if (replayed) res.setHeader("Idempotent-Replayed", "true");
      res
        .status(201)
        .location(`/api/runs/${encodeURIComponent(runId)}`)
        .json({ runId });
    })
    .get("/", (req, res) => {
      res.json({ runs: engine.listRuns(parseQuery(RunsQuery, req.query)) });
    })
    .get("/:id", (req, res) => {
      res.json(runDetail(engine.getRun(req.params.id)));
    })
    .delete("/:id", async (req, res) => {
      await deleteFinishedRun(runtime, req.params.id);
      res.status(204).end();
    })
    .get("/:id/log", (req, res) => {
      const { afterSeq } = parseQuery(RunLogQuery, req.query);
      res.json(runLog(runtime, req.params.id, afterSeq));
    })
    .get("/:id/files", async (req, res) => {
      const { path } = parseQuery(FileQuery, req.query);
      await sendAttachment(res, await openFolderFile(runFileFolder(runtime, req.params.id, path), path));
    })
    .get("/:id/file-info", async (req, res) => {
      const { path } = parseQuery(FileQuery, req.query);
      res.json(await folderFileInfo(runFileFolder(runtime, req.params.id, path), path));
    })
    .post("/:id/cancel", async (req, res) => {
      res.json(await engine.cancelRun(req.params.id));
    })
    .post("/:id/resume", (req, res) => {
      res.json(engine.resumeRun(req.params.id));
    })
    .post("/:id/check-all", async (req, res) => {
      requireRun(runtime, req.params.id);
      res.json({ checked: await monitor.checkRun(req.params.id) });
    })
    .post("/:id/pause-all", (req, res) => {
      requireRun(runtime, req.params.id);
      res.json({ paused: monitor.pauseRun(req.params.id, true) });
    })
    .post("/:id/resume-checks", (req, res) => {
      requireRun(runtime, req.params.id);
      res.json({ resumed: monitor.pauseRun(req.params.id, false) });
    });
}
