/**
 * The boundaries between layers are kept by tools, not by hope: `npm run lint` (Biome, with the
 * project's own biome.json) refuses an import cycle and every crossing named in
 * docs/architecture.md. Each case lints a small fixture tree laid out like the project.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../helpers/labflow-cli.js";
import { tempDir } from "../../helpers/temp-dir.js";

const biome = join(repoRoot, "node_modules", ".bin", "biome");

/** Lints `files` (path -> source) under the project's lint rules; the diagnostics as text. */
function lint(files: Record<string, string>): string {
  const root = tempDir();
  const config = JSON.parse(readFileSync(join(repoRoot, "biome.json"), "utf8"));
  delete config.vcs; // the fixture is no git work tree
  delete config.$schema;
  config.files = { includes: ["**"] };
  writeFileSync(join(root, "biome.json"), JSON.stringify(config));
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), source);
  }
  try {
    execFileSync(biome, ["lint", "--max-diagnostics=50", "."], {
      cwd: root,
      encoding: "utf8",
      stdio: "pipe",
    });
    return "";
  } catch (error) {
    const { stdout, stderr } = error as { stdout: string; stderr: string };
    return `${stdout}${stderr}`;
  }
}

describe("npm run lint keeps the boundaries", () => {
  it("refuses an import cycle, type-only imports included", () => {
    const out = lint({
      "server/engine/a.ts": 'import type { B } from "./b.js";\nexport interface A { b?: B }\n',
      "server/engine/b.ts": 'import type { A } from "./a.js";\nexport interface B { a?: A }\n',
    });
    expect(out).toMatch(/noImportCycles/);
  });

  it("refuses an engine import of the store, HTTP, devices, the job monitor or the CLI", () => {
    const out = lint({
      "server/engine/run.ts": 'import { open } from "../store/sqlite-store.js";\nexport const run = open;\n',
      "server/store/sqlite-store.ts": "export const open = 1;\n",
    });
    expect(out).toMatch(/The engine imports no store/);
  });

  it("refuses a client import of server code other than the wire contract, and of Node", () => {
    const out = lint({
      "client/jobs/view.ts":
        'import { Engine } from "../../server/engine/engine.js";\nimport { readFileSync } from "node:fs";\nexport const e = [Engine, readFileSync];\n',
      "server/engine/engine.ts": "export const Engine = 1;\n",
    });
    expect(out.match(/The client imports only the wire contract/g)).toHaveLength(2);
    expect(
      lint({
        "client/jobs/view.ts":
          'import { JobState } from "../../server/schema/states.js";\nexport const s = JobState;\n',
        "server/schema/states.ts": "export const JobState = 1;\n",
      }),
    ).toBe("");
  });

  it("keeps the wire contract free of Node and of the engine", () => {
    const out = lint({
      "server/schema/views.ts":
        'import { readFileSync } from "node:fs";\nimport { x } from "../engine/records.js";\nexport const v = [readFileSync, x];\n',
      "server/engine/records.ts": "export const x = 1;\n",
    });
    expect(out.match(/The wire contract is Node-free/g)).toHaveLength(2);
  });

  it("refuses another package's private _ helpers, from modules and from the server", () => {
    const out = lint({
      "modules/cluster/job.ts": 'import { x } from "../jobs/_detached-process.js";\nexport const y = x;\n',
      "modules/jobs/_detached-process.ts": "export const x = 1;\n",
      "server/devices/data.ts":
        'import { x } from "../../modules/jobs/_detached-process.js";\nexport const z = x;\n',
    });
    expect(out.match(/_ helpers are its own/g)).toHaveLength(2);
  });
});
