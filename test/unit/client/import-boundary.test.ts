import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const clientDir = join(root, "client");
/**
 * The only files outside client/ that the browser bundle may import: the wire contract
 * (server/schema, pure zod and types, no Node) and the port types it builds on.
 */
const ALLOWED = (target: string) =>
  (target.startsWith("server/schema/") && target !== "server/schema/write-json-schema.ts") ||
  target === "modules/sdk/port-types.ts";
const schemaDir = join(root, "server/schema");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(entry.name) ? [path] : [];
  });
}

describe("the client's import boundary", () => {
  it("imports from server/ and modules/ only the wire contract (server/schema) and the port types", () => {
    const outside: string[] = [];
    for (const file of sources(clientDir)) {
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(/(?:from|import)\s+"([^"]+)"/g)) {
        const specifier = match[1] ?? "";
        if (specifier.startsWith("node:")) outside.push(`${relative(root, file)} -> ${specifier}`);
        if (!specifier.startsWith(".")) continue;
        const target = relative(root, resolve(dirname(file), specifier)).replace(/\.js$/, ".ts");
        if (!target.startsWith("client/") && !ALLOWED(target))
          outside.push(`${relative(root, file)} -> ${target}`);
      }
    }
    expect(outside).toEqual([]);
  });

  it("keeps the wire contract free of Node and of the engine: server/schema imports only zod and itself", () => {
    const outside: string[] = [];
    for (const file of sources(schemaDir)) {
      if (file.endsWith("write-json-schema.ts")) continue; // the build script that writes the JSON Schema
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(/(?:from|import)\s+"([^"]+)"/g)) {
        const specifier = match[1] ?? "";
        if (!specifier.startsWith(".")) {
          if (specifier !== "zod") outside.push(`${relative(root, file)} -> ${specifier}`);
          continue;
        }
        const target = relative(root, resolve(dirname(file), specifier)).replace(/\.js$/, ".ts");
        if (!ALLOWED(target)) outside.push(`${relative(root, file)} -> ${target}`);
      }
    }
    expect(outside).toEqual([]);
  });
});
