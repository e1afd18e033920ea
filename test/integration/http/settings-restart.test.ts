import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServerProcess } from "../../helpers/server-process.js";
import { apiClient } from "./api-client.js";

describe("settings", () => {
  // One data folder across both tests (tempDir() would remove it after the first).
  const dataDir = mkdtempSync(join(tmpdir(), "labflow-settings-"));
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("survive a SIGKILL of the server, and the check interval applies again after the restart", async () => {
    server = await startServerProcess({ dataDir });
    const changed = await apiClient(server.url, { token: server.token }).put("/api/settings", {
      checkInterval: 10_000,
      autoResume: false,
    });
    expect(changed.body).toEqual({ checkInterval: 10_000, autoResume: false });
    await server.kill("SIGKILL");

    server = await startServerProcess({ dataDir });
    expect((await apiClient(server.url, { token: server.token }).get("/api/settings")).body).toEqual({
      checkInterval: 10_000,
      autoResume: false,
    });
  });

  it("give way to serve --check-interval, which is not stored", async () => {
    await server?.kill("SIGTERM");
    server = await startServerProcess({ dataDir, args: ["--check-interval", "off"] });
    expect((await apiClient(server.url, { token: server.token }).get("/api/settings")).body).toEqual({
      checkInterval: "off",
      autoResume: false,
    });
    await server.kill("SIGTERM");
    server = await startServerProcess({ dataDir });
    expect(
      (await apiClient(server.url, { token: server.token }).get("/api/settings")).body.checkInterval,
    ).toBe(10_000);
  });
});
