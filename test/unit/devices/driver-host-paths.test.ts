import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { driverHostPaths } from "../../../server/devices/driver-host-paths.js";

describe("driver host paths", () => {
  it("keeps the socket in the data folder when the path fits in sun_path", () => {
    expect(driverHostPaths("/srv/lab", "labflow-sim")).toEqual({
      dir: "/srv/lab/drivers",
      socket: "/srv/lab/drivers/labflow-sim.sock",
      log: "/srv/lab/drivers/labflow-sim.log",
    });
  });

  it("moves a socket path too long for sun_path to a short one under the temp folder, stable per folder", () => {
    const deep = `/data/${"very-long-folder-name/".repeat(6)}lab`;
    const paths = driverHostPaths(deep, "labflow-sim");
    expect(paths.socket.startsWith(tmpdir())).toBe(true);
    expect(Buffer.byteLength(paths.socket)).toBeLessThan(100);
    expect(driverHostPaths(deep, "labflow-sim").socket).toBe(paths.socket);
    expect(driverHostPaths(`${deep}2`, "labflow-sim").socket).not.toBe(paths.socket);
    expect(paths.log.startsWith(deep)).toBe(true);
  });
});
