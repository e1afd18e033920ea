import type { RequestHandler } from "express";
import { HttpError } from "./http-error.js";
import type { HttpLimits } from "./limits.js";

/**
 * Refuses a workflow document with more modules or connections than the limits allow, counted on
 * the parsed body before validation (validating 100,000 modules blocks the server for seconds).
 * The document is the body itself (PUT /api/workflows/:name) or its `workflow` (POST /api/runs).
 */
export function refuseHugeDocuments(
  limits: Pick<HttpLimits, "maxModules" | "maxConnections">,
): RequestHandler {
  return (req, _res, next) => {
    const body = req.body as { workflow?: unknown } | undefined;
    for (const document of [body, body?.workflow]) {
      if (!document || typeof document !== "object") continue;
      const { modules, connections } = document as { modules?: unknown; connections?: unknown };
      if (Array.isArray(modules) && modules.length > limits.maxModules)
        return next(
          new HttpError(
            "too_many_modules",
            `the document has ${modules.length} modules; the limit is ${limits.maxModules}`,
            "modules",
          ),
        );
      if (Array.isArray(connections) && connections.length > limits.maxConnections)
        return next(
          new HttpError(
            "too_many_connections",
            `the document has ${connections.length} connections; the limit is ${limits.maxConnections}`,
            "connections",
          ),
        );
    }
    next();
  };
}
