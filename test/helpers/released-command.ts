import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach } from "vitest";
import { tempDir } from "./temp-dir.js";
import { workflow } from "./workflow-builder.js";

const unreleased = new Set<string>();

/** Every command a test left waiting is released, so no test leaves a process behind. */
afterEach(() => {
  for (const release of unreleased) writeFileSync(release, "");
  unreleased.clear();
});

/**
 * A workflow file whose `jobs.Command` appends a line to a file each time it really starts, then
 * runs until the test releases it; `after` needs its exit code. Counts starts across crashes.
 */
export function releasedCommandWorkflow(name: string) {
  const dir = tempDir();
  const starts = join(dir, "starts.txt");
  const release = join(dir, "release");
  const file = join(dir, "workflow.json");
  const doc = workflow(name)
    .module("cmd", "jobs.Command", {
      command: `echo start >> ${starts}; while [ ! -e ${release} ]; do sleep 0.05; done`,
    })
    .module("after", "basic.Expression", { expression: "a == 0" })
    .connect("cmd.exitCode", "after.a")
    .build();
  writeFileSync(file, JSON.stringify(doc, null, 2));
  unreleased.add(release);
  return {
    file,
    startsCount: () => (existsSync(starts) ? readFileSync(starts, "utf8").split("\n").length - 1 : 0),
    release: () => writeFileSync(release, ""),
  };
}
