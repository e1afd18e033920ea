/**
 * The shared test infrastructure (../shared: the real Slurm cluster's scripts) that lives beside
 * the project's repository. A clone made elsewhere (`git clone . /tmp/x`) finds it beside the
 * repository it was cloned from; LABFLOW_SHARED_DIR names it outright (.ci/on-node-24 sets it for
 * its copy of the tree).
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { repoRoot } from "./labflow-cli.js";

export function sharedFolder(): string {
  const candidates = [process.env.LABFLOW_SHARED_DIR, join(repoRoot, "..", "shared"), besideOrigin()];
  const found = candidates.find((dir): dir is string => !!dir && existsSync(join(dir, "slurm", "up.sh")));
  if (!found)
    throw new Error(
      `no shared test folder (slurm/up.sh) in ${candidates.filter(Boolean).join(", ")}: set LABFLOW_SHARED_DIR`,
    );
  return found;
}

/** `../shared` beside the repository this clone came from, when that is a folder on this machine. */
function besideOrigin(): string | undefined {
  try {
    const origin = execFileSync("git", ["-C", repoRoot, "config", "--get", "remote.origin.url"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    const path = origin.startsWith("file://") ? origin.slice("file://".length) : origin;
    return isAbsolute(path) ? join(resolve(path), "..", "shared") : undefined;
  } catch {
    return undefined;
  }
}
