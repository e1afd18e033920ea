import type { IncomingHttpHeaders } from "node:http";
import { hostname as machineName, networkInterfaces } from "node:os";
import type { RequestHandler } from "express";
import { HttpError } from "./http-error.js";

/**
 * A browser page of another site may send requests to labflow (cross-site requests, DNS rebinding).
 * Two checks stop it, in every mode and before the token is looked at: the Origin, when a browser
 * sends one, must be this server's own (scheme, host and port); and the Host must be a name of this
 * machine, which a rebound domain is not.
 */
export function originAllowed(headers: IncomingHttpHeaders): boolean {
  const origin = headers.origin;
  if (origin === undefined) return true;
  if (!headers.host) return false;
  try {
    // labflow serves plain HTTP: an https:// page of the same host and port is another origin.
    return new URL(origin).origin === new URL(`http://${headers.host}`).origin;
  } catch {
    return false; // "null" (sandboxed frames, file://) or garbage
  }
}

/** The host names a request may give: loopback names always, and more for other binds. */
export type AllowedHosts = ReadonlySet<string>;

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];

/**
 * The names by which this server may be reached, bound to `bindHost`: loopback; the bind address
 * itself; for a wildcard bind (0.0.0.0, ::) every address of this machine and its host name; and
 * the names given with `--allowed-hosts` (a reverse proxy's, a DNS name of the machine).
 */
export function allowedHosts(bindHost: string, extra: readonly string[] = []): AllowedHosts {
  const names = new Set(LOOPBACK_NAMES);
  const add = (name: string) => names.add(bracketed(name.trim().toLowerCase()));
  add(bindHost);
  if (bindHost === "0.0.0.0" || bindHost === "::") {
    for (const list of Object.values(networkInterfaces()))
      for (const address of list ?? []) add(address.address);
    add(machineName());
  }
  for (const name of extra) if (name.trim()) add(name);
  return names;
}

function bracketed(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

export function hostAllowed(headers: IncomingHttpHeaders, allowed: AllowedHosts): boolean {
  if (!headers.host) return false;
  try {
    const { hostname } = new URL(`http://${headers.host}`);
    return allowed.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);
  } catch {
    return false;
  }
}

/** Why a request is refused before its token is checked, or undefined. */
export function guardRefusal(
  headers: IncomingHttpHeaders,
  allowed: AllowedHosts,
): { code: "forbidden_host" | "forbidden_origin"; message: string } | undefined {
  if (!hostAllowed(headers, allowed))
    return {
      code: "forbidden_host",
      message: "requests must name this server by one of its own addresses (see --allowed-hosts)",
    };
  if (!originAllowed(headers))
    return { code: "forbidden_origin", message: "requests from another site's pages are refused" };
  return undefined;
}

/** Refuses requests of other origins or unexpected hosts with 403. */
export function guardRequests(allowed: AllowedHosts): RequestHandler {
  return (req, _res, next) => {
    const refusal = guardRefusal(req.headers, allowed);
    next(refusal ? new HttpError(refusal.code, refusal.message) : undefined);
  };
}
