import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import readFile from "../../../../modules/basic/read-file.js";
import { makeWorkspace, runCompute } from "./_run-compute.js";

function fingerprintOf(path: string, workspace = makeWorkspace()): unknown {
  return readFile.fingerprint?.(readFile.params.parse({ path }), workspace);
}

function outsideFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), "labflow-outside-"));
  onTestFinished(() => rmSync(folder, { recursive: true, force: true }));
  writeFileSync(join(folder, "secret.txt"), "secret");
  return folder;
}

describe("basic.ReadFile", () => {
  it("reads a text file and gives its absolute path", async () => {
    const workspace = makeWorkspace();
    mkdirSync(join(workspace.root, "notes"));
    writeFileSync(join(workspace.root, "notes", "a.txt"), "héllo\n");
    const { outputs } = await runCompute(readFile, { params: { path: "notes/a.txt" }, workspace });
    expect(outputs).toEqual({ content: "héllo\n", path: join(workspace.root, "notes", "a.txt") });
  });

  it("parses a JSON file, even one starting with a byte-order mark", async () => {
    const workspace = makeWorkspace();
    writeFileSync(join(workspace.root, "s.json"), '\uFEFF{"gain": 2, "channels": [1, 3]}');
    const { outputs } = await runCompute(readFile, { params: { path: "s.json", as: "json" }, workspace });
    expect(outputs.content).toEqual({ gain: 2, channels: [1, 3] });
  });

  it("names a file that is not valid JSON", async () => {
    const workspace = makeWorkspace();
    writeFileSync(join(workspace.root, "bad.json"), "{ gain: 2 }");
    await expect(
      runCompute(readFile, { params: { path: "bad.json", as: "json" }, workspace }),
    ).rejects.toMatchObject({
      code: "file_invalid_json",
      message: expect.stringContaining('"bad.json" is not valid JSON'),
    });
  });

  it("names a missing file", async () => {
    await expect(runCompute(readFile, { params: { path: "nope.txt" } })).rejects.toMatchObject({
      code: "file_not_found",
      message: expect.stringContaining("nope.txt"),
    });
  });

  it("refuses a folder", async () => {
    const workspace = makeWorkspace();
    mkdirSync(join(workspace.root, "data"));
    await expect(runCompute(readFile, { params: { path: "data" }, workspace })).rejects.toMatchObject({
      code: "not_a_file",
    });
  });

  it("refuses a path escaping the workspace through ..", async () => {
    const outside = outsideFolder();
    const workspace = makeWorkspace();
    const throughParent = relative(workspace.root, join(outside, "secret.txt"));
    expect(throughParent.startsWith("../")).toBe(true);
    await expect(runCompute(readFile, { params: { path: throughParent }, workspace })).rejects.toMatchObject({
      code: "path_outside_workspace",
    });
    await expect(
      runCompute(readFile, { params: { path: join(outside, "secret.txt") }, workspace }),
    ).rejects.toMatchObject({ code: "path_outside_workspace" });
  });

  it("refuses a symlink leading outside", async () => {
    const outside = outsideFolder();
    const workspace = makeWorkspace();
    symlinkSync(join(outside, "secret.txt"), join(workspace.root, "link.txt"));
    symlinkSync(outside, join(workspace.root, "linked-folder"));
    for (const path of ["link.txt", "linked-folder/secret.txt"]) {
      await expect(runCompute(readFile, { params: { path }, workspace })).rejects.toMatchObject({
        code: "path_outside_workspace",
      });
    }
  });

  it("fingerprint changes when the file changes", () => {
    const workspace = makeWorkspace();
    const file = join(workspace.root, "data.csv");
    writeFileSync(file, "1,2\n");
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    const first = fingerprintOf("data.csv", workspace);
    expect(first).toEqual({ size: 4, mtimeMs: 1_700_000_000_000 });
    expect(fingerprintOf("data.csv", workspace)).toEqual(first);

    writeFileSync(file, "3,4\n");
    utimesSync(file, 1_700_000_100, 1_700_000_100);
    const sameSize = fingerprintOf("data.csv", workspace);
    expect(sameSize).not.toEqual(first);

    writeFileSync(file, "3,4\n5,6\n");
    utimesSync(file, 1_700_000_100, 1_700_000_100);
    expect(fingerprintOf("data.csv", workspace)).not.toEqual(sameSize);
  });

  it("fingerprint is null for a missing file and never throws for a refused path", () => {
    expect(fingerprintOf("missing.txt")).toBeNull();
    expect(fingerprintOf("../../etc/passwd")).toBeNull();
  });

  it("refuses a file with a second hard link, which may be a file outside the workspace", async () => {
    const workspace = makeWorkspace();
    const outside = outsideFolder();
    linkSync(join(outside, "secret.txt"), join(workspace.root, "innocent.txt"));
    await expect(runCompute(readFile, { params: { path: "innocent.txt" }, workspace })).rejects.toMatchObject(
      { code: "path_refused", message: expect.stringMatching(/2 hard links/) },
    );
  });
});
