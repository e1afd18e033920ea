/** `npm run errors-table`: rewrites the error table of docs/api.md from the registry. */
import { readFileSync, writeFileSync } from "node:fs";
import { withErrorsTable } from "./errors-table.js";

const target = new URL("../../docs/api.md", import.meta.url);
writeFileSync(target, withErrorsTable(readFileSync(target, "utf8")));
console.log(`wrote the error table of ${target.pathname}`);
