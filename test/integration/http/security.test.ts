import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServerProcess } from "../../helpers/server-process.js";
import { apiClient, openEvents, upgradeStatus } from "./api-client.js";

const TOKEN = "s3cret-token-for-tests-0123456789";

/** A GET with a Host header of our choosing (fetch does not let tests set it). */
function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(new URL("/api/health", url), { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("token mode", () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerProcess({ token: TOKEN });
  });
  afterAll(() => server?.stop());

  it("refuses HTTP requests without the token, or with a wrong one, with 401", async () => {
    for (const api of [apiClient(server.url), apiClient(server.url, { token: "wrong" })]) {
      const { status, body, headers } = await api.get("/api/modules");
      expect(status).toBe(401);
      expect(body.error.code).toBe("unauthorized");
      expect(headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(JSON.stringify(body)).not.toContain(TOKEN);
    }
  });

  it("answers with the token as a Bearer header or as ?token=", async () => {
    expect((await apiClient(server.url, { token: TOKEN }).get("/api/modules")).status).toBe(200);
    const query = await apiClient(server.url).get(`/api/health?token=${TOKEN}`);
    expect(query.status).toBe(200);
  });

  it("refuses the WebSocket without the token with 401 and opens it with the token", async () => {
    expect(await upgradeStatus(server.url)).toBe(401);
    expect(await upgradeStatus(server.url, { token: "wrong" })).toBe(401);
    const events = await openEvents(server.url, { token: TOKEN });
    await events.next((m) => m.type === "snapshot", "the snapshot");
    await events.close();
  });

  it("serves the client page without the token", async () => {
    const { status, headers } = await apiClient(server.url).get("/");
    expect(status).toBe(200);
    expect(headers.get("content-type")).toMatch(/text\/html/);
    expect(headers.get("referrer-policy")).toBe("no-referrer");
  });

  it("never writes the token to its log", async () => {
    await apiClient(server.url).get(`/api/modules?token=${TOKEN}x`);
    expect(server.stderr()).not.toContain(TOKEN);
  });
});

describe("cross-site protection", () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerProcess();
  });
  afterAll(() => server?.stop());

  it("refuses a WebSocket from a page of another host with 403", async () => {
    expect(await upgradeStatus(server.url, { headers: { origin: "http://evil.example" } })).toBe(403);
    expect(await upgradeStatus(server.url, { headers: { origin: "null" } })).toBe(403);
  });

  it("accepts a WebSocket from its own origin and from clients that send none", async () => {
    expect(await upgradeStatus(server.url, { headers: { origin: server.url } })).toBe(101);
    expect(await upgradeStatus(server.url)).toBe(101);
  });

  it("refuses API requests from a page of another host with 403", async () => {
    const api = apiClient(server.url);
    const { status, body } = await api.request("POST", "/api/runs", {
      json: { name: "arithmetic" },
      headers: { origin: "http://evil.example" },
    });
    expect(status).toBe(403);
    expect(body.error.code).toBe("forbidden_origin");
  });

  it("refuses a Host that is not loopback when no token is set (DNS rebinding)", async () => {
    expect(await getWithHost(server.url, "evil.example")).toBe(403);
    expect(await getWithHost(server.url, new URL(server.url).host)).toBe(200);
    expect(await getWithHost(server.url, `localhost:${new URL(server.url).port}`)).toBe(200);
  });
});
