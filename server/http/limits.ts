/**
 * What one request may cost the server, checked before the shared zod schemas see a body: a deep
 * value overflows zod's (recursive) validation and JSON.stringify, and a huge document blocks the
 * event loop while it is validated. Each refusal is a 4xx naming the limit.
 */
import { MAX_BODY_BYTES } from "../schema/api.js";

export interface HttpLimits {
  /** Largest JSON body, in bytes (413 `body_too_large`). */
  maxBodyBytes: number;
  /** Deepest nesting of arrays and objects in a JSON body (400 `body_too_deep`). */
  maxJsonDepth: number;
  /** Most modules in one workflow document (413 `too_many_modules`). */
  maxModules: number;
  /** Most connections in one workflow document (413 `too_many_connections`). */
  maxConnections: number;
  /** How long a client may take to send its request's headers (then the connection is closed). */
  headersTimeoutMs: number;
  /** How long a client may take to send its whole request, body included. */
  requestTimeoutMs: number;
  /** Open connections at most, WebSockets included; more are closed at once. */
  maxSockets: number;
}

export const DEFAULT_LIMITS: HttpLimits = {
  maxBodyBytes: MAX_BODY_BYTES,
  // Far deeper than any document or Constant a person writes; far below zod's ~1,900.
  maxJsonDepth: 128,
  maxModules: 25_000,
  maxConnections: 50_000,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 15_000,
  maxSockets: 1_000,
};

/** Environment variables that change a limit of `labflow serve` (docs/security.md). */
export const LIMIT_ENV: Record<string, keyof HttpLimits> = {
  LABFLOW_MAX_BODY_BYTES: "maxBodyBytes",
  LABFLOW_MAX_JSON_DEPTH: "maxJsonDepth",
  LABFLOW_MAX_MODULES: "maxModules",
  LABFLOW_MAX_CONNECTIONS: "maxConnections",
  LABFLOW_HEADERS_TIMEOUT_MS: "headersTimeoutMs",
  LABFLOW_REQUEST_TIMEOUT_MS: "requestTimeoutMs",
  LABFLOW_MAX_SOCKETS: "maxSockets",
};

/** The defaults with what the environment changes; a value that is not a positive integer throws. */
export function limitsFromEnv(env: NodeJS.ProcessEnv): HttpLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const [name, key] of Object.entries(LIMIT_ENV)) {
    const text = env[name];
    if (text === undefined || text === "") continue;
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value <= 0)
      throw new Error(`${name}: "${text}" is not a positive whole number`);
    limits[key] = value;
  }
  return limits;
}
