import { randomBytes } from "node:crypto";
import { link, mkdir, readdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { WorkflowName } from "../schema/api.js";
import { LabflowError } from "../schema/errors.js";
import type { WorkflowEntry, WorkflowListEntry } from "../schema/views.js";
import type { WorkflowDocument } from "../schema/workflow-document.js";

export interface WorkflowDirs {
  /** The repository's example workflows: listed and readable, never written. */
  examples: string;
  /** The data folder's saved workflows, `<name>.json` each. */
  saved: string;
}

/**
 * The workflows folders as the API sees them: saved documents by name, and the examples beside
 * them, read-only. Names are checked before any path is built, so no name leaves its folder.
 */
export class WorkflowFiles {
  constructor(private readonly dirs: WorkflowDirs) {}

  async list(): Promise<WorkflowListEntry[]> {
    const examples = await this.entries(this.dirs.examples, true);
    const taken = new Set(examples.map((e) => e.name));
    const saved = (await this.entries(this.dirs.saved, false)).filter((e) => !taken.has(e.name));
    return [...examples, ...saved].sort((a, b) => a.name.localeCompare(b.name));
  }

  async get(name: string): Promise<WorkflowEntry> {
    checkName(name);
    for (const readOnly of [true, false]) {
      const document = parseWorkflow(await readOrUndefined(this.pathOf(name, readOnly)));
      if (document) return { name, readOnly, workflow: document };
    }
    throw new LabflowError("workflow_not_found", `no workflow named "${name}"`);
  }

  /**
   * Writes a saved workflow whole: to a temporary file of its own (a random name, so saves of one
   * name at the same moment never share one), then moved into place. Readers see the old document
   * or the new one, never a mix; of saves at the same moment the last one moved in wins. Says
   * whether the save made the file (exactly one of simultaneous first saves does).
   */
  async put(name: string, document: WorkflowDocument): Promise<{ created: boolean }> {
    await this.refuseExample(name);
    const path = this.pathOf(name, false);
    await mkdir(this.dirs.saved, { recursive: true, mode: 0o700 });
    const temporary = `${path}.${randomBytes(8).toString("hex")}.tmp`;
    try {
      await writeFile(temporary, `${JSON.stringify(document, null, 2)}\n`, { mode: 0o600, flag: "wx" });
      return { created: await moveIntoPlace(temporary, path) };
    } finally {
      await unlink(temporary).catch(() => {}); // gone already when it was moved
    }
  }

  async delete(name: string): Promise<void> {
    await this.refuseExample(name);
    try {
      await unlink(this.pathOf(name, false));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT")
        throw new LabflowError("workflow_not_found", `no saved workflow named "${name}"`);
      throw error;
    }
  }

  private async refuseExample(name: string): Promise<void> {
    checkName(name);
    if ((await readOrUndefined(this.pathOf(name, true))) !== undefined)
      throw new LabflowError("read_only", `"${name}" is an example workflow: save it under another name`);
  }

  private pathOf(name: string, example: boolean): string {
    return join(example ? this.dirs.examples : this.dirs.saved, `${name}.json`);
  }

  private async entries(dir: string, readOnly: boolean): Promise<WorkflowListEntry[]> {
    let files: string[];
    try {
      files = await readdir(dir);
    } catch {
      return []; // nothing saved yet
    }
    const out: WorkflowListEntry[] = [];
    for (const file of files) {
      const name = file.slice(0, -".json".length);
      if (!file.endsWith(".json") || !WorkflowName.safeParse(name).success) continue;
      const document = parseWorkflow(await readOrUndefined(join(dir, file)));
      if (!document) continue;
      const description =
        typeof document.description === "string" ? { description: document.description } : {};
      out.push({ name, readOnly, ...description });
    }
    return out;
  }
}

/**
 * Moves `temporary` to `path`: a hard link when `path` does not exist (which fails if another save
 * made it in between), else a rename over it. True when this move made the file.
 */
async function moveIntoPlace(temporary: string, path: string): Promise<boolean> {
  try {
    await link(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  await rename(temporary, path);
  return false;
}

function checkName(name: string): void {
  const result = WorkflowName.safeParse(name);
  if (!result.success)
    throw new LabflowError("invalid_name", `name: ${result.error.issues[0]?.message ?? "invalid"}`, {
      place: { field: "name" },
    });
}

async function readOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * A file's document, or undefined when it is not one: other JSON files (the document's JSON Schema
 * beside the examples) and files broken by hand are not offered as workflows.
 */
function parseWorkflow(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as { modules?: unknown } | null;
    return value && typeof value === "object" && Array.isArray(value.modules)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
