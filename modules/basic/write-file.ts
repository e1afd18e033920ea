import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { z } from "zod";
import { defineModule, ModuleError, port } from "../sdk/index.js";

export default defineModule({
  type: "basic.WriteFile",
  version: 1,
  label: "Write file",
  description: "Writes text or JSON to a file of the workspace, replacing it whole (never half-written).",
  inputs: {
    content: port.any("What to write: a string is written as is, anything else as indented JSON."),
  },
  outputs: {
    path: port.file("The absolute path of the file written."),
  },
  params: z.strictObject({
    path: z
      .string()
      .min(1, "give the path of a file")
      .describe(
        "The file to write, relative to the workspace (e.g. results/summary.json); folders are created.",
      ),
  }),
  compute: async ({ params, inputs, workspace, signal }) => {
    const path = workspace.resolveForWrite(params.path);
    if (path === workspace.root)
      throw new ModuleError("not_a_file", `"${params.path}" is the workspace itself`);
    const text =
      typeof inputs.content === "string" ? inputs.content : `${JSON.stringify(inputs.content, null, 2)}\n`;
    await mkdir(dirname(path), { recursive: true });
    // The folders now exist: check again that none of them is a link leading outside.
    workspace.resolveForWrite(params.path);
    if ((await stat(path).catch(() => undefined))?.isDirectory()) {
      throw new ModuleError("not_a_file", `"${params.path}" is a folder`);
    }
    await writeAtomically(path, text, signal);
    return { path };
  },
});

/**
 * Writes a temporary file beside the target, flushes it to disk, then renames it over the target:
 * readers see the old content or the new one, never a part, even if the process dies midway.
 */
async function writeAtomically(path: string, text: string, signal: AbortSignal): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    const file = await open(temporary, "wx");
    try {
      await file.writeFile(text, { encoding: "utf8", signal });
      await file.sync();
    } finally {
      await file.close();
    }
    signal.throwIfAborted();
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
