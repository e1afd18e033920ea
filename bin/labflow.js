#!/usr/bin/env node
// The `labflow` command. The TypeScript sources are compiled to dist/ by `npm run build`.
import { existsSync } from "node:fs";

const cli = new URL("../dist/server/cli.js", import.meta.url);
if (!existsSync(cli)) {
  console.error(
    "labflow is not built yet: run `npm run build` (or `npm start`) in the labflow folder first.",
  );
  process.exit(1);
}
await import(cli.href);
