import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const clientDir = join(root, "client");
/**
 * The only files outside client/ that the browser bundle may import: pure zod and types, no Node.
 * The pipelines API schema gives the client the shapes of the pipeline and job data answers
 * (imported as types only), so that they are not written twice.
 */
const ALLOWED = new Set([
  "server/schema/workflow-document.ts",
  "modules/sdk/port-types.ts",
  "server/schema/pipelines-api.ts",
]);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(entry.name) ? [path] : [];
  });
}

describe("the client's import boundary", () => {
  it("imports from server/ and modules/ only the document and pipelines schemas and the port types", () => {
    const outside: string[] = [];
    for (const file of sources(clientDir)) {
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(/(?:from|import)\s+"([^"]+)"/g)) {
        const specifier = match[1] ?? "";
        if (specifier.startsWith("node:")) outside.push(`${relative(root, file)} -> ${specifier}`);
        if (!specifier.startsWith(".")) continue;
        const target = relative(root, resolve(dirname(file), specifier)).replace(/\.js$/, ".ts");
        if (!target.startsWith("client/") && !ALLOWED.has(target))
          outside.push(`${relative(root, file)} -> ${target}`);
      }
    }
    expect(outside).toEqual([]);
  });
});
