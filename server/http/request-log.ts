/**
 * The server's log of requests it refused and of its own failures: one line each, on stderr. JSON
 * lines when stderr is not a terminal (a service manager or a file reads them), a short sentence
 * when a person watches. A client's mistake never logs a stack; a bug (500) logs its stack in the
 * one line. Paths are logged without their query, which may hold the token.
 */
import type { IncomingMessage } from "node:http";

export interface LogFields {
  level: "warn" | "error";
  event: "request_refused" | "internal_error";
  status: number;
  code: string;
  method?: string;
  path?: string;
  /** Bugs only. */
  stack?: string;
}

/**
 * Statuses worth a line: someone without the token, from another site, or over a limit. (Requests
 * too slow or with too many headers never reach labflow: Node answers 408 or 431 itself.)
 */
const LOGGED_REFUSALS = new Set([401, 403, 413]);

export function writeLogLine(fields: LogFields, stream: NodeJS.WriteStream = process.stderr): void {
  if (stream.isTTY) {
    const where = fields.method ? ` ${fields.method} ${fields.path}` : "";
    const stack = fields.stack ? `\n${fields.stack}` : "";
    stream.write(`labflow: ${fields.status} ${fields.code}${where}${stack}\n`);
    return;
  }
  stream.write(`${JSON.stringify({ at: new Date().toISOString(), ...fields })}\n`);
}

/** The path of a request without its query string, cut to a sane length. */
export function pathOf(req: IncomingMessage): string {
  // Inside a router Express cuts its mount point off `url`: `originalUrl` keeps the whole path.
  const url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? "/";
  const at = url.indexOf("?");
  return (at < 0 ? url : url.slice(0, at)).slice(0, 200);
}

/** One line for a refused request, when its status is one worth noting. */
export function logRefusal(req: IncomingMessage, status: number, code: string): void {
  if (!LOGGED_REFUSALS.has(status)) return;
  writeLogLine({
    level: "warn",
    event: "request_refused",
    status,
    code,
    method: req.method,
    path: pathOf(req),
  });
}

/** One line for a bug answered with 500, with its stack. */
export function logInternalError(req: IncomingMessage, error: unknown): void {
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  writeLogLine({
    level: "error",
    event: "internal_error",
    status: 500,
    code: "internal",
    method: req.method,
    path: pathOf(req),
    stack,
  });
}
