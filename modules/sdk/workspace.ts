import { existsSync, lstatSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { ModuleError } from "./module-error.js";

/** Folders a write may create below the workspace, at most: no 2,000-level trees. */
export const MAX_WRITE_DEPTH = 32;

/**
 * The folder that file-handling modules are confined to. `resolve` refuses any path that escapes
 * it, through `..`, an absolute path elsewhere, a symlink pointing outside, or a file with more
 * than one hard link (the other link may be anywhere, /etc/shadow included).
 */
export class Workspace {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** The absolute path of `path` (relative to the workspace, or absolute inside it). */
  resolve(path: string): string {
    if (path.includes("\0")) throw new ModuleError("path_refused", `path "${path}" holds a NUL byte`);
    const absolute = isAbsolute(path) ? resolve(path) : resolve(this.root, path);
    if (!isInside(this.root, absolute)) {
      throw new ModuleError("path_outside_workspace", `path "${path}" is outside the workspace ${this.root}`);
    }
    // Nothing inside a workspace that does not exist yet can be a link.
    if (!existsSync(this.root)) return absolute;
    // A symlink inside the workspace may still point outside: check what exists of the path for real.
    const realRoot = realpathSync(this.root);
    let probe = absolute;
    while (!existsSync(probe) && dirname(probe) !== probe) probe = dirname(probe);
    if (existsSync(probe) && !isInside(realRoot, realpathSync(probe))) {
      throw new ModuleError(
        "path_outside_workspace",
        `path "${path}" leads outside the workspace through a link`,
      );
    }
    const links = probe === absolute ? lstatSync(absolute) : undefined;
    if (links?.isFile() && links.nlink > 1) {
      throw new ModuleError(
        "path_refused",
        `"${path}" has ${links.nlink} hard links: one of them may be a file outside the workspace`,
      );
    }
    return absolute;
  }

  /** `resolve`, for a file or folder about to be written: also refuses paths too deep to create. */
  resolveForWrite(path: string): string {
    const absolute = this.resolve(path);
    const depth = relative(this.root, absolute).split(sep).length;
    if (depth > MAX_WRITE_DEPTH + 1)
      throw new ModuleError(
        "path_too_deep",
        `path "${path.slice(0, 80)}${path.length > 80 ? "…" : ""}" is ${depth - 1} folders deep; the limit is ${MAX_WRITE_DEPTH}`,
      );
    return absolute;
  }
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}
