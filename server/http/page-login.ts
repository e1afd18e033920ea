import type { RequestHandler } from "express";
import { accessCookie, isAuthorized, tokenMatches } from "./auth.js";

const LOGIN_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>labflow: token needed</title>
<meta name="referrer" content="no-referrer"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto">
<h1>labflow</h1>
<p>This labflow server needs its token. Open the address <code>labflow serve</code> printed
(it ends in <code>?token=...</code>), or paste the token here:</p>
<form method="get"><input name="token" type="password" autocomplete="off" size="40" autofocus>
<button type="submit">Open the editor</button></form>
</body></html>`;

/**
 * Editor pages need the token like the API does, as Jupyter's do. A page opened with `?token=`
 * (the address `labflow serve` prints) gets the token as an HttpOnly SameSite=Strict cookie and is
 * sent to the same address without it, so the token leaves the address bar and the history. A page
 * without the cookie gets a small form asking for the token.
 */
export function pageLogin(token: string): RequestHandler {
  return (req, res, next) => {
    if (req.method !== "GET" && req.method !== "HEAD") return next();
    const raw = req.originalUrl;
    const at = raw.indexOf("?");
    const params = new URLSearchParams(at < 0 ? "" : raw.slice(at + 1));
    const given = params.get("token");
    if (given !== null && tokenMatches(token, given)) {
      params.delete("token");
      const rest = params.toString();
      res.setHeader("Set-Cookie", accessCookie(req, token));
      res.setHeader("Cache-Control", "no-store");
      res.redirect(303, `${samePath(at < 0 ? raw : raw.slice(0, at))}${rest ? `?${rest}` : ""}`);
      return;
    }
    if (given === null && isAuthorized(req, token)) return next();
    res.status(401).type("html").setHeader("Cache-Control", "no-store").send(LOGIN_PAGE);
  };
}

/** The path to come back to, never another host: `//evil.example/` must not leave this server. */
function samePath(path: string): string {
  return `/${path.replace(/^[/\\]+/, "")}`;
}
