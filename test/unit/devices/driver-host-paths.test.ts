import { chmodSync, chownSync, lstatSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  driverHostPaths,
  ensurePrivateDir,
  prepareSocketDir,
} from "../../../server/devices/protocol/driver-host-paths.js";
import { tempDir } from "../../helpers/temp-dir.js";

const deep = `/data/${"very-long-folder-name/".repeat(6)}lab`;
const uid = process.getuid?.() ?? -1;

describe("driver host paths", () => {
  it("keeps the socket in the data folder when the path fits in sun_path", () => {
    expect(driverHostPaths("/srv/lab", "labflow-sim", {})).toEqual({
      dir: "/srv/lab/drivers",
      socket: "/srv/lab/drivers/labflow-sim.sock",
      log: "/srv/lab/drivers/labflow-sim.log",
    });
  });

  it("moves a socket path too long for sun_path into this user's folder under the temp folder, stable per folder", () => {
    const paths = driverHostPaths(deep, "labflow-sim", {});
    expect(dirname(paths.socket)).toBe(join(tmpdir(), `labflow-${uid}`));
    expect(Buffer.byteLength(paths.socket)).toBeLessThan(100);
    expect(driverHostPaths(deep, "labflow-sim", {}).socket).toBe(paths.socket);
    expect(driverHostPaths(`${deep}2`, "labflow-sim", {}).socket).not.toBe(paths.socket);
    expect(paths.log.startsWith(deep)).toBe(true);
  });

  it("prefers $XDG_RUNTIME_DIR for that socket", () => {
    const paths = driverHostPaths(deep, "labflow-sim", { XDG_RUNTIME_DIR: "/run/user/1000" });
    expect(paths.socket).toMatch(/^\/run\/user\/1000\/labflow-[0-9a-f]{16}\.sock$/);
  });
});

describe("the private socket folder", () => {
  it("is created 0700, and a socket there is prepared without complaint", () => {
    const runtime = join(tempDir(), "runtime");
    ensurePrivateDir(runtime);
    expect(lstatSync(runtime).mode & 0o777).toBe(0o700);
    const { socket } = driverHostPaths(deep, "labflow-sim", { XDG_RUNTIME_DIR: runtime });
    expect(() => prepareSocketDir(socket, { XDG_RUNTIME_DIR: runtime })).not.toThrow();
  });

  it("is refused when someone made it a symbolic link", () => {
    const base = tempDir();
    const elsewhere = join(base, "elsewhere");
    mkdirSync(elsewhere, { mode: 0o700 });
    symlinkSync(elsewhere, join(base, "link"));
    expect(() => ensurePrivateDir(join(base, "link"))).toThrow(
      `refusing to put driver host sockets in ${join(base, "link")}: it is a symbolic link`,
    );
  });

  it("is refused when it is open to others, or not a folder", () => {
    const base = tempDir();
    const open = join(base, "open");
    mkdirSync(open);
    chmodSync(open, 0o777);
    expect(() => ensurePrivateDir(open)).toThrow(/its mode is 777/);
    const file = join(base, "file");
    writeFileSync(file, "");
    expect(() => ensurePrivateDir(file)).toThrow(/it is not a folder/);
  });

  it.runIf(uid === 0)("is refused when another user owns it", () => {
    const theirs = join(tempDir(), "theirs");
    mkdirSync(theirs, { mode: 0o700 });
    chownSync(theirs, 65534, 65534);
    expect(() => ensurePrivateDir(theirs)).toThrow(/it belongs to uid 65534, not 0/);
  });
});
