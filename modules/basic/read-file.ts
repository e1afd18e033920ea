import { statSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { z } from "zod";
import { defineModule, ModuleError, port, type Workspace } from "../sdk/index.js";

/**
 * The largest file read into the workflow: its content travels along connections and into the
 * result cache. Larger data should be passed on by path.
 */
const MAX_BYTES = 16 * 1024 * 1024;

export default defineModule({
  type: "basic.ReadFile",
  version: 1,
  label: "Read file",
  description: "Reads a text or JSON file of the workspace.",
  inputs: {},
  outputs: {
    content: port.any("The text of the file, or the value it holds when read as JSON."),
    path: port.file("The absolute path of the file read."),
  },
  params: z.strictObject({
    path: z
      .string()
      .min(1, "give the path of a file")
      .describe("The file to read, relative to the workspace (e.g. data/settings.json)."),
    as: z
      .enum(["text", "json"])
      .default("text")
      .describe("text gives the file's text; json parses it and gives the value it holds."),
  }),
  // A changed file changes the signature, so its readers run again instead of reusing the cache.
  fingerprint: (params, workspace) => fileFingerprint(workspace, params.path),
  compute: async ({ params, workspace, signal }) => {
    const path = workspace.resolve(params.path);
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") {
        throw new ModuleError("file_not_found", `there is no file "${params.path}" in the workspace`, {
          cause: error,
        });
      }
      throw error;
    });
    if (!info.isFile()) throw new ModuleError("not_a_file", `"${params.path}" is not a file`);
    if (info.size > MAX_BYTES) {
      throw new ModuleError(
        "file_too_large",
        `"${params.path}" holds ${info.size} bytes; Read file reads up to ${MAX_BYTES} (pass larger data by path)`,
      );
    }
    const text = await readFile(path, { encoding: "utf8", signal });
    if (params.as === "text") return { content: text, path };
    try {
      // A byte-order mark is common in files saved on Windows and is not JSON.
      return { content: JSON.parse(text.replace(/^\uFEFF/, "")) as unknown, path };
    } catch (error) {
      throw new ModuleError(
        "file_invalid_json",
        `"${params.path}" is not valid JSON: ${(error as Error).message}`,
        { cause: error },
      );
    }
  },
});

/**
 * The size and modification time of the file, or null when it is missing. Never throws: a path
 * that is refused gives null here and a clear error when the module runs.
 */
function fileFingerprint(workspace: Workspace, path: string): { size: number; mtimeMs: number } | null {
  try {
    const info = statSync(workspace.resolve(path));
    return { size: info.size, mtimeMs: info.mtimeMs };
  } catch {
    return null;
  }
}
