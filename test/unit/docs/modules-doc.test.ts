import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const read = (path: string) => readFileSync(join(root, path), "utf8");

/** Every code block of a page preceded by `<!-- file: PATH -->`, with its path. */
function embeddedFiles(page: string): { path: string; code: string }[] {
  return [...read(page).matchAll(/<!-- file: (\S+) -->\n```\w*\n([\s\S]*?)```\n/g)].map((m) => ({
    path: m[1] as string,
    code: m[2] as string,
  }));
}

describe("docs/modules.md", () => {
  it("shows the example job module and its test exactly as the suite compiles and runs them", () => {
    const files = embeddedFiles("docs/modules.md");
    expect(files.map((f) => f.path)).toEqual([
      "docs/examples/countdown.ts",
      "docs/examples/countdown.test.ts",
    ]);
    for (const { path, code } of files) expect(code, path).toBe(read(path));
  });
});
