import express, { type Express, Router } from "express";
import { MAX_BODY_BYTES } from "../schema/api.js";
import { requireToken } from "./auth.js";
import { apiNotFound, errorHandler } from "./error-handler.js";
import type { HttpContext } from "./http-context.js";
import { guardRequests } from "./request-guards.js";
import { clustersRoutes } from "./routes/clusters-routes.js";
import { jobsRoutes } from "./routes/jobs-routes.js";
import { modulesRoutes } from "./routes/modules-routes.js";
import { pipelinesRoutes } from "./routes/pipelines-routes.js";
import { runsRoutes } from "./routes/runs-routes.js";
import { settingsRoutes } from "./routes/settings-routes.js";
import { workflowsRoutes } from "./routes/workflows-routes.js";
import { staticClient } from "./static-client.js";

export interface AppOptions {
  token?: string;
  clientDir?: string;
  maxBodyBytes?: number;
}

/**
 * The Express app: the JSON API under /api (guards, token, body parser, one router per resource,
 * one error handler) and the built client for every other path.
 */
export function createApp(context: HttpContext, options: AppOptions): Express {
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const api = Router()
    .use(guardRequests(options.token !== undefined))
    // The token is checked before the body is read: strangers do not get to send 5 MB.
    .use(requireToken(options.token))
    .use(express.json({ limit: maxBodyBytes }))
    .use((_req, res, next) => {
      res.setHeader("Cache-Control", "no-store");
      next();
    })
    .get("/health", (_req, res) => {
      res.json({ ok: true, pid: process.pid });
    })
    .use("/modules", modulesRoutes(context))
    .use("/workflows", workflowsRoutes(context))
    .use("/runs", runsRoutes(context))
    .use("/jobs", jobsRoutes(context))
    .use("/pipelines", pipelinesRoutes(context))
    .use("/clusters", clustersRoutes(context))
    .use("/settings", settingsRoutes(context))
    .use(apiNotFound);

  const app = express();
  app.disable("x-powered-by");
  app.use((_req, res, next) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("X-Frame-Options", "DENY");
    // Page URLs may carry ?token=: never send them to other sites as a Referer.
    res.setHeader("Referrer-Policy", "no-referrer");
    next();
  });
  app.use("/api", api);
  app.use(staticClient(options.clientDir));
  app.use(errorHandler(maxBodyBytes));
  return app;
}
