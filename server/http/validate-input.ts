import type { z } from "zod";
import { HttpError } from "./http-error.js";

/**
 * Parses a request body with its shared zod schema; a bad body becomes a 400 `invalid_body` naming
 * the first wrong field, e.g. `autoResume: expected boolean, received string`.
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (body === undefined) {
    throw new HttpError("invalid_body", "the body must be JSON (Content-Type: application/json)");
  }
  return parseWith(schema, body, "invalid_body");
}

/** Parses a query string the same way; a bad one is a 400 `invalid_query`. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  return parseWith(schema, query ?? {}, "invalid_query");
}

function parseWith<S extends z.ZodType>(
  schema: S,
  input: unknown,
  code: "invalid_body" | "invalid_query",
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new HttpError(code, "the input is invalid");
  const path = issue.path.map(String);
  if (issue.code === "unrecognized_keys") {
    const field = [...path, issue.keys[0] ?? ""].join(".");
    throw new HttpError(code, `${field}: unknown field`, field);
  }
  const field = path.join(".");
  throw new HttpError(code, field ? `${field}: ${issue.message}` : issue.message, field || undefined);
}
