import type { IncomingHttpHeaders } from "node:http";
import type { RequestHandler } from "express";
import { HttpError } from "./http-error.js";

/**
 * A browser page of another site may send requests to labflow (cross-site requests, DNS rebinding).
 * Two checks stop it: the Origin, when a browser sends one, must be this server's own; and without
 * a token (loopback only) the Host must be a loopback name, which a rebound domain is not.
 */
export function originAllowed(headers: IncomingHttpHeaders): boolean {
  const origin = headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === headers.host;
  } catch {
    return false; // "null" (sandboxed frames, file://) or garbage
  }
}

export function hostAllowed(headers: IncomingHttpHeaders, tokenRequired: boolean): boolean {
  if (tokenRequired) return true;
  if (!headers.host) return false;
  try {
    const { hostname } = new URL(`http://${headers.host}`);
    return hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);
  } catch {
    return false;
  }
}

/** Refuses /api requests of other origins or unexpected hosts with 403. */
export function guardRequests(tokenRequired: boolean): RequestHandler {
  return (req, _res, next) => {
    if (!hostAllowed(req.headers, tokenRequired)) {
      return next(
        new HttpError(403, "forbidden_host", "requests must name this server by a loopback address"),
      );
    }
    if (!originAllowed(req.headers)) {
      return next(new HttpError(403, "forbidden_origin", "requests from another site's pages are refused"));
    }
    next();
  };
}
