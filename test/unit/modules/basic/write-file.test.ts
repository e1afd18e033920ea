import {
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import writeFile from "../../../../modules/basic/write-file.js";
import { makeWorkspace, runCompute } from "./_run-compute.js";

describe("basic.WriteFile", () => {
  it("writes a string as it is and gives the absolute path", async () => {
    const workspace = makeWorkspace();
    const { outputs } = await runCompute(writeFile, {
      params: { path: "out.txt" },
      inputs: { content: "line 1\nline 2" },
      workspace,
    });
    expect(outputs.path).toBe(join(workspace.root, "out.txt"));
    expect(readFileSync(join(workspace.root, "out.txt"), "utf8")).toBe("line 1\nline 2");
  });

  it("writes anything else as indented JSON", async () => {
    const workspace = makeWorkspace();
    await runCompute(writeFile, {
      params: { path: "r.json" },
      inputs: { content: { mean: 2.5 } },
      workspace,
    });
    expect(readFileSync(join(workspace.root, "r.json"), "utf8")).toBe('{\n  "mean": 2.5\n}\n');
  });

  it("writes atomically and creates folders", async () => {
    const workspace = makeWorkspace();
    const target = join(workspace.root, "results", "2024", "summary.txt");
    await runCompute(writeFile, {
      params: { path: "results/2024/summary.txt" },
      inputs: { content: "old" },
      workspace,
    });
    const before = statSync(target).ino;

    await runCompute(writeFile, {
      params: { path: "results/2024/summary.txt" },
      inputs: { content: "new" },
      workspace,
    });

    expect(readFileSync(target, "utf8")).toBe("new");
    // Replaced by a rename of a new file, not rewritten in place: a reader never sees half of it.
    expect(statSync(target).ino).not.toBe(before);
    expect(readdirSync(join(workspace.root, "results", "2024"))).toEqual(["summary.txt"]);
  });

  it("leaves the old file and no temporary file when the run is cancelled", async () => {
    const workspace = makeWorkspace();
    writeFileSync(join(workspace.root, "keep.txt"), "old");
    const controller = new AbortController();
    controller.abort();
    await expect(
      runCompute(writeFile, {
        params: { path: "keep.txt" },
        inputs: { content: "new" },
        workspace,
        signal: controller.signal,
      }),
    ).rejects.toThrow();
    expect(readFileSync(join(workspace.root, "keep.txt"), "utf8")).toBe("old");
    expect(readdirSync(workspace.root)).toEqual(["keep.txt"]);
  });

  it("refuses a path escaping the workspace through .. and creates nothing", async () => {
    const workspace = makeWorkspace();
    await expect(
      runCompute(writeFile, {
        params: { path: "../labflow-escape/x.txt" },
        inputs: { content: "x" },
        workspace,
      }),
    ).rejects.toMatchObject({ code: "path_outside_workspace" });
    expect(existsSync(join(workspace.root, "..", "labflow-escape"))).toBe(false);
  });

  it("refuses a folder symlink leading outside and writes nothing there", async () => {
    const outside = mkdtempSync(join(tmpdir(), "labflow-outside-"));
    onTestFinished(() => rmSync(outside, { recursive: true, force: true }));
    const workspace = makeWorkspace();
    symlinkSync(outside, join(workspace.root, "link"));
    await expect(
      runCompute(writeFile, { params: { path: "link/sub/x.txt" }, inputs: { content: "x" }, workspace }),
    ).rejects.toMatchObject({ code: "path_outside_workspace" });
    expect(readdirSync(outside)).toEqual([]);
  });

  it("refuses to write through a file with a second hard link, and leaves the other link as it was", async () => {
    const workspace = makeWorkspace();
    const outside = mkdtempSync(join(tmpdir(), "labflow-outside-"));
    onTestFinished(() => rmSync(outside, { recursive: true, force: true }));
    writeFileSync(join(outside, "config"), "original");
    linkSync(join(outside, "config"), join(workspace.root, "config"));
    await expect(
      runCompute(writeFile, { params: { path: "config" }, inputs: { content: "changed" }, workspace }),
    ).rejects.toMatchObject({ code: "path_refused" });
    expect(readFileSync(join(outside, "config"), "utf8")).toBe("original");
  });

  it("refuses a path deeper than the folder limit and creates none of its folders", async () => {
    const workspace = makeWorkspace();
    const deep = `${Array.from({ length: 2_000 }, () => "d").join("/")}/f.txt`;
    await expect(
      runCompute(writeFile, { params: { path: deep }, inputs: { content: "x" }, workspace }),
    ).rejects.toMatchObject({ code: "path_too_deep", message: expect.stringMatching(/limit is 32/) });
    expect(existsSync(join(workspace.root, "d"))).toBe(false);
    const fine = `${Array.from({ length: 32 }, () => "d").join("/")}/f.txt`;
    await runCompute(writeFile, { params: { path: fine }, inputs: { content: "x" }, workspace });
    expect(readFileSync(join(workspace.root, fine), "utf8")).toBe("x");
  });

  it("refuses to replace a folder", async () => {
    const workspace = makeWorkspace();
    mkdirSync(join(workspace.root, "data"));
    await expect(
      runCompute(writeFile, { params: { path: "data" }, inputs: { content: "x" }, workspace }),
    ).rejects.toMatchObject({ code: "not_a_file" });
  });
});
