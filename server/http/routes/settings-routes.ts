import { Router } from "express";
import type { LabflowApp } from "../../app/labflow-app.js";
import { SettingsRequest } from "../../schema/api.js";
import { parseBody } from "../validate-input.js";

/** `/api/settings`: the global check interval and the default auto-resume of new runs. */
export function settingsRoutes({ settings }: LabflowApp): Router {
  return Router()
    .get("/", (_req, res) => {
      res.json(settings.get());
    })
    .put("/", (req, res) => {
      res.json(settings.update(parseBody(SettingsRequest, req.body)));
    });
}
