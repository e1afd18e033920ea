import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { RequestHandler } from "express";
import { HttpError } from "./http-error.js";

/**
 * The cookie a browser gets for the token. Browsers keep cookies per host, not per port: two
 * labflow servers on one machine must not overwrite each other's, so the port is in the name.
 */
export function cookieName(req: IncomingMessage): string {
  return `labflow-token-${req.socket.localPort ?? 0}`;
}

/** What the cookie holds: derived from the token, so the cookie itself is not the bearer token. */
export function cookieValue(token: string): string {
  return createHash("sha256").update(`labflow-cookie\0${token}`).digest("base64url");
}

/** The Set-Cookie value giving a browser access: HttpOnly (no script reads it), SameSite=Strict. */
export function accessCookie(req: IncomingMessage, token: string): string {
  return `${cookieName(req)}=${cookieValue(token)}; Path=/; HttpOnly; SameSite=Strict`;
}

/** `Authorization: Bearer <token>` (any case of "Bearer"), or `?token=` (non-browser WebSockets). */
export function tokenOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  const bearer = header === undefined ? undefined : /^bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (bearer?.[1]) return bearer[1];
  const query = new URL(req.url ?? "/", "http://labflow.invalid").searchParams.get("token");
  return query || undefined;
}

/** The value of this server's cookie in the request, if any. */
export function cookieOf(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  const name = cookieName(req);
  for (const part of header.split(";")) {
    const at = part.indexOf("=");
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/** Compares in constant time (hashes first, so the length of the token does not show either). */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined || given === "") return false;
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(expected), digest(given));
}

/** Whether the request carries the token, or the cookie a browser got for it. */
export function isAuthorized(req: IncomingMessage, token: string): boolean {
  return tokenMatches(token, tokenOf(req)) || tokenMatches(cookieValue(token), cookieOf(req));
}

export const UNAUTHORIZED_MESSAGE =
  "this labflow server needs its token: open the URL `labflow serve` printed, or send Authorization: Bearer <token>";

/** Refuses every request without the token or its cookie with 401 `unauthorized`, loopback too. */
export function requireToken(token: string): RequestHandler {
  return (req, res, next) => {
    if (isAuthorized(req, token)) return next();
    res.setHeader("WWW-Authenticate", 'Bearer realm="labflow"');
    next(new HttpError("unauthorized", UNAUTHORIZED_MESSAGE));
  };
}
