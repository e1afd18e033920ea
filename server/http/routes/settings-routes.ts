import { Router } from "express";
import { SettingsRequest } from "../../schema/api.js";
import type { HttpContext } from "../http-context.js";
import { parseBody } from "../validate-input.js";

/** `/api/settings`: the global check interval and the default auto-resume of new runs. */
export function settingsRoutes({ settings }: HttpContext): Router {
  return Router()
    .get("/", (_req, res) => {
      res.json(settings.get());
    })
    .put("/", (req, res) => {
      res.json(settings.update(parseBody(SettingsRequest, req.body)));
    });
}
