import { Router } from "express";
import { NO_DEVICES_MESSAGE } from "../../../modules/sdk/instruments.js";
import type { LabflowApp } from "../../app/labflow-app.js";
import type { PipelineService } from "../../devices/lab/pipelines.js";
import { EngineError } from "../../engine/engine-error.js";
import { LoadSampleRequest, type PipelinesAnswer, ReadyRequest } from "../../schema/pipelines-api.js";
import { parseBody } from "../validate-input.js";

/** `/api/pipelines`: samples and ready flags (tomato's `ketchup load|eject|ready|status`). */
export function pipelinesRoutes({ runtime }: LabflowApp): Router {
  const pipelines = (): PipelineService => {
    if (!runtime.instruments) throw new EngineError("no_devices", NO_DEVICES_MESSAGE);
    return runtime.instruments.pipelines;
  };
  return Router()
    .get("/", (_req, res) => {
      const lab = runtime.instruments;
      const answer: PipelinesAnswer = lab
        ? {
            configured: true,
            devicesFile: lab.devicesFile,
            ...(lab.refused ? { devicesFileRefused: lab.refused } : {}),
            pipelines: lab.pipelines.status(),
          }
        : { configured: false, message: NO_DEVICES_MESSAGE, pipelines: [] };
      res.json(answer);
    })
    .get("/:name", (req, res) => {
      res.json(pipelines().get(req.params.name));
    })
    .post("/:name/load", (req, res) => {
      const { sample } = parseBody(LoadSampleRequest, req.body);
      res.json(pipelines().load(req.params.name, sample));
    })
    .post("/:name/eject", (req, res) => {
      res.json(pipelines().eject(req.params.name));
    })
    .post("/:name/ready", (req, res) => {
      const { ready } = parseBody(ReadyRequest, req.body ?? {});
      res.json(pipelines().ready(req.params.name, ready));
    });
}
