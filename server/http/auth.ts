import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { RequestHandler } from "express";
import { HttpError } from "./http-error.js";

/** The token a request carries: `Authorization: Bearer <token>`, or `?token=` (browsers' WebSockets). */
export function tokenOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith("Bearer ")) return header.slice("Bearer ".length).trim();
  const query = new URL(req.url ?? "/", "http://labflow.invalid").searchParams.get("token");
  return query ?? undefined;
}

/** Compares in constant time (hashes first, so the length of the token does not show either). */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(expected), digest(given));
}

/** Refuses every request without the token with 401 `unauthorized`; no token configured: lets all pass. */
export function requireToken(token: string | undefined): RequestHandler {
  return (req, res, next) => {
    if (token === undefined || tokenMatches(token, tokenOf(req))) return next();
    res.setHeader("WWW-Authenticate", 'Bearer realm="labflow"');
    next(
      new HttpError(
        401,
        "unauthorized",
        "this labflow server needs its token: send Authorization: Bearer <token> or ?token=<token>",
      ),
    );
  };
}
