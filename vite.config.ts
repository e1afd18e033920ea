/**
 * The editor's build: `client/` -> `dist/client`, which `labflow serve` serves at `/`.
 * `npx vite` serves the editor with hot reload and sends `/api` (HTTP and WebSocket) to a
 * `labflow serve` on 127.0.0.1:8080. The Host header is kept, so the server's Origin check sees
 * the page's own host. Open the address `labflow serve` printed once first: the token's cookie it
 * sets is sent to this port too (browsers keep cookies per host, not per port).
 */
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  root: "client",
  plugins: [react()],
  build: {
    outDir: "../dist/client",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1000,
  },
  server: {
    proxy: {
      // Every /api request (no source of the editor lives under client/api/ any more).
      "/api": { target: "http://127.0.0.1:8080", ws: true },
    },
  },
});
