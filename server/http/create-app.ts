import express, { type Express, Router } from "express";
import type { LabflowApp } from "../app/labflow-app.js";
import { requireToken } from "./auth.js";
import { refuseHugeDocuments } from "./document-limits.js";
import { apiNotFound, errorHandler } from "./error-handler.js";
import { refuseDeepJson } from "./json-depth.js";
import { DEFAULT_LIMITS, type HttpLimits } from "./limits.js";
import { type AllowedHosts, guardRequests } from "./request-guards.js";
import { clustersRoutes } from "./routes/clusters-routes.js";
import { devicesRoutes } from "./routes/devices-routes.js";
import { jobsRoutes } from "./routes/jobs-routes.js";
import { modulesRoutes } from "./routes/modules-routes.js";
import { pipelinesRoutes } from "./routes/pipelines-routes.js";
import { runsRoutes } from "./routes/runs-routes.js";
import { settingsRoutes } from "./routes/settings-routes.js";
import { workflowsRoutes } from "./routes/workflows-routes.js";
import { staticClient } from "./static-client.js";

export interface AppOptions {
  /** Every /api request and every editor page needs it (checked by tokenProblem before). */
  token: string;
  /** Names a request's Host may give (request-guards.ts). */
  allowedHosts: AllowedHosts;
  clientDir?: string;
  /** Sizes and depths a request may have (limits.ts); default DEFAULT_LIMITS. */
  limits?: HttpLimits;
}

/**
 * The Express app: Host and Origin guards on every path; the JSON API under /api (token, body
 * parser, one router per resource, one error handler) and the built client for every other path.
 */
export function createApp(context: LabflowApp, options: AppOptions): Express {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const maxBodyBytes = limits.maxBodyBytes;
  const api = Router()
    // The token is checked before the body is read: strangers do not get to send 5 MB.
    .use(requireToken(options.token))
    // Size and depth before parsing, counts before validation: no body reaches zod that could
    // overflow its stack or block the server for seconds.
    .use(express.json({ limit: maxBodyBytes, verify: refuseDeepJson(limits.maxJsonDepth) }))
    .use(refuseHugeDocuments(limits))
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
    .use("/devices", devicesRoutes(context))
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
  app.use(guardRequests(options.allowedHosts));
  app.use("/api", api);
  app.use(staticClient(options.clientDir, options.token));
  app.use(errorHandler(maxBodyBytes));
  return app;
}
