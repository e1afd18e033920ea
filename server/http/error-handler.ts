import type { ErrorRequestHandler, RequestHandler } from "express";
import { EngineError } from "../engine/engine-error.js";
import type { ApiErrorBody } from "../schema/api.js";
import { HttpError } from "./http-error.js";
import { logInternalError, logRefusal } from "./request-log.js";

/** The HTTP status of an engine error code. Every EngineError is a user error: unknown codes are 400. */
export function statusOfEngineCode(code: string): number {
  if (code.endsWith("_not_found") || code === "no_log") return 404;
  if (code === "run_not_active" || code === "run_active" || code === "cancel_failed") return 409;
  // A pipeline that is full, busy or empty, or a server without instruments: the state refuses it.
  if (code.startsWith("pipeline_") || code === "no_devices" || code === "device_in_use") return 409;
  if (code === "read_only") return 403;
  return 400;
}

/** Errors of the JSON body parser (body-parser's `type`) and what to answer. */
const BODY_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  "entity.parse.failed": { status: 400, code: "invalid_json", message: "the body is not valid JSON" },
  "entity.too.large": { status: 413, code: "body_too_large", message: "the body is too large" },
  "encoding.unsupported": {
    status: 415,
    code: "unsupported_encoding",
    message: "the body's content encoding is not supported",
  },
  "charset.unsupported": {
    status: 415,
    code: "unsupported_charset",
    message: "the body's charset is not supported (use utf-8)",
  },
};

interface Answer {
  status: number;
  body: ApiErrorBody;
}

/** Maps anything thrown by a route to a status and an error body; unknown errors are bugs (500). */
export function errorAnswer(error: unknown, maxBodyBytes: number): Answer | undefined {
  if (error instanceof HttpError) {
    const field = error.field !== undefined ? { field: error.field } : {};
    return { status: error.status, body: { error: { code: error.code, message: error.message, ...field } } };
  }
  if (error instanceof EngineError) {
    const problems = error.problems.length ? { problems: error.problems } : {};
    return {
      status: statusOfEngineCode(error.code),
      body: { error: { code: error.code, message: error.message }, ...problems },
    };
  }
  const type = (error as { type?: unknown } | null)?.type;
  const known = typeof type === "string" ? BODY_ERRORS[type] : undefined;
  if (known) {
    const message =
      known.code === "body_too_large"
        ? `the body is larger than ${Math.round(maxBodyBytes / 1024 / 1024)} MB`
        : known.message;
    return { status: known.status, body: { error: { code: known.code, message } } };
  }
  if (error instanceof URIError) {
    return {
      status: 400,
      body: { error: { code: "bad_request", message: "the path holds a malformed %-escape" } },
    };
  }
  // Other client errors of Express and the body parser (an aborted body, too many parameters).
  const { status, expose, message } = (error ?? {}) as {
    status?: unknown;
    expose?: unknown;
    message?: unknown;
  };
  if (typeof status === "number" && status >= 400 && status < 500 && expose === true) {
    return { status, body: { error: { code: "bad_request", message: String(message) } } };
  }
  return undefined;
}

/**
 * The one error handler: thin routes throw, this answers. Stacks of unexpected errors go to the
 * server's stderr, never into a response.
 */
export function errorHandler(maxBodyBytes: number): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const answer = errorAnswer(error, maxBodyBytes);
    if (answer) logRefusal(req, answer.status, answer.body.error.code);
    else logInternalError(req, error);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const { status, body } = answer ?? {
      status: 500,
      body: {
        error: { code: "internal", message: "an internal error occurred; the server log has the details" },
      },
    };
    res.status(status).json(body);
  };
}

/** Any /api path no route answered. */
export const apiNotFound: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, "not_found", `no such API route: ${req.method} ${req.baseUrl}${req.path}`));
};
