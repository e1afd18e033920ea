import { existsSync } from "node:fs";
import { join, sep } from "node:path";
import express, { type RequestHandler, Router } from "express";
import { pageLogin } from "./page-login.js";

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>labflow</title></head>
<body><h1>labflow</h1><p>The editor is not built yet. Run <code>npm run build</code> in the labflow folder,
then reload this page. The API is up under <code>/api</code>.</p></body></html>`;

/** A missing file (a stale asset, favicon.ico) is a 404, not the page; page paths may hold dots. */
const ASSET =
  /^\/assets\/|\.(js|mjs|css|map|ico|png|jpe?g|gif|svg|webp|woff2?|ttf|json|txt|webmanifest|wasm)$/i;

/**
 * The built client (dist/client): its files, and index.html for every other page path (the client
 * routes in the browser), once the browser has the token. Without a build, a page saying how to
 * make one. The built files themselves are public: they hold no data.
 */
export function staticClient(clientDir: string | undefined, token: string): Router {
  const router = Router();
  if (clientDir) {
    router.use(
      express.static(clientDir, {
        index: false,
        setHeaders: (res, path) => {
          // Vite names built assets by content hash: they never change under the same name.
          if (path.includes(`${sep}assets${sep}`))
            res.setHeader("Cache-Control", "public, max-age=31536000, immutable");
        },
      }),
    );
  }
  const login = pageLogin(token);
  router.use((req, res, next) => {
    if ((req.method !== "GET" && req.method !== "HEAD") || ASSET.test(req.path)) return next();
    login(req, res, next);
  });
  router.use(indexPage(clientDir));
  return router;
}

function indexPage(clientDir: string | undefined): RequestHandler {
  return (req, res, next) => {
    if ((req.method !== "GET" && req.method !== "HEAD") || ASSET.test(req.path)) return next();
    const index = clientDir ? join(clientDir, "index.html") : undefined;
    // Checked per request: building the client while the server runs needs no restart.
    if (!index || !existsSync(index)) {
      res.status(200).type("html").setHeader("Cache-Control", "no-store").send(NOT_BUILT);
      return;
    }
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(index);
  };
}
