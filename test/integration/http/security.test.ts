import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labflow, repoRoot } from "../../helpers/labflow-cli.js";
import { type ServerProcess, startServerProcess } from "../../helpers/server-process.js";
import { waitUntil } from "../../helpers/wait-until.js";
import { apiClient, openEvents, upgradeStatus } from "./api-client.js";
import { API_ROUTES, fillRoute } from "./api-routes.js";

const TOKEN = "s3cret-token-for-tests-0123456789";

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with headers of our choosing (fetch does not let tests set Host). */
function raw(url: string, path: string, headers: Record<string, string>, method = "GET"): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    // The path as given: `//evil.example/` must reach the server as a path, not as another host.
    const req = request({ hostname, port, path, method, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("a server with its own random token", () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerProcess();
  });
  afterAll(() => server?.stop());

  it("prints the editor's address with a long random token", () => {
    expect(server.editorUrl).toBe(`${server.url}/?token=${server.token}`);
    expect(server.token).toMatch(/^[\w-]{32}$/);
  });

  it("refuses every API route without a token, with an empty one or a wrong one with 401, on loopback too", async () => {
    const variants: Record<string, string>[] = [
      {},
      { authorization: "Bearer " },
      { authorization: "Bearer" },
      { authorization: "bearer wrong-token-wrong-token" },
      { authorization: `Basic ${Buffer.from(`x:${server.token}`).toString("base64")}` },
      { cookie: `labflow-token-${new URL(server.url).port}=` },
    ];
    for (const route of API_ROUTES) {
      for (const headers of variants) {
        const answer = await raw(server.url, fillRoute(route, "x"), headers, route.method);
        expect(answer.status, `${route.method} ${route.path} ${JSON.stringify(headers)}`).toBe(401);
        expect(JSON.parse(answer.body).error.code).toBe("unauthorized");
      }
      const emptyQuery = await raw(server.url, `${fillRoute(route, "x")}?token=`, {}, route.method);
      expect(emptyQuery.status, `${route.method} ${route.path}?token=`).toBe(401);
    }
  });

  it("answers with the token as a Bearer header in any case of the scheme, or as ?token=", async () => {
    for (const scheme of ["Bearer", "bearer", "BEARER"]) {
      const answer = await raw(server.url, "/api/modules", { authorization: `${scheme} ${server.token}` });
      expect(answer.status, scheme).toBe(200);
    }
    expect((await apiClient(server.url).get(`/api/health?token=${server.token}`)).status).toBe(200);
  });

  it("refuses the WebSocket without the token, with an empty or a wrong one, with 401", async () => {
    expect(await upgradeStatus(server.url)).toBe(401);
    expect(await upgradeStatus(server.url, { token: "wrong-token-wrong-token" })).toBe(401);
    expect(await upgradeStatus(server.url, { headers: { authorization: "Bearer " } })).toBe(401);
    const events = await openEvents(server.url, { headers: server.authHeaders });
    await events.next((m) => m.type === "snapshot", "the snapshot");
    await events.close();
  });

  it("trades the printed address for an HttpOnly SameSite=Strict cookie and leaves the token out of the address", async () => {
    const answer = await raw(server.url, `/?workflow=demo&token=${server.token}`, {});
    expect(answer.status).toBe(303);
    expect(answer.headers.location).toBe("/?workflow=demo");
    const cookie = String(answer.headers["set-cookie"]);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toContain(server.token);
    const pair = cookie.split(";")[0] as string;
    expect((await raw(server.url, "/api/modules", { cookie: pair })).status).toBe(200);
    expect((await raw(server.url, "/", { cookie: pair })).status).toBe(200);
    expect(await upgradeStatus(server.url, { headers: { cookie: pair } })).toBe(101);
  });

  it("asks for the token on editor pages opened without it, and never redirects to another host", async () => {
    const page = await raw(server.url, "/", {});
    expect(page.status).toBe(401);
    expect(page.body).toContain('name="token"');
    expect((await raw(server.url, "/?token=wrong-token-wrong-token", {})).status).toBe(401);
    const sneaky = await raw(server.url, `//evil.example/?token=${server.token}`, {});
    expect(sneaky.status).toBe(303);
    expect(sneaky.headers.location).toBe("/evil.example/");
  });

  it("keeps the token in a file of the data folder that only its user can read", async () => {
    const path = join(server.dataDir, "server-token");
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it("lets the CLI act through the server with the token it finds in the data folder", async () => {
    const { code, stdout, stderr } = await labflow(["status", "--data", server.dataDir]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).not.toContain("unauthorized");
  });

  it("logs a refused request in one JSON line without a stack", async () => {
    await raw(server.url, "/api/runs/log-marker-1?token=nope", {});
    const line = await waitUntil(
      () =>
        server
          .stderr()
          .split("\n")
          .find((l) => l.includes("log-marker-1")),
      "the refusal's log line",
    );
    expect(JSON.parse(line)).toMatchObject({
      level: "warn",
      event: "request_refused",
      status: 401,
      code: "unauthorized",
      method: "GET",
      path: "/api/runs/log-marker-1",
    });
    expect(
      server
        .stderr()
        .split("\n")
        .filter((l) => l.includes("log-marker-1")),
    ).toHaveLength(1);
    expect(server.stderr()).not.toMatch(/^\s+at /m);
  });

  it("never writes the token to its log", async () => {
    await apiClient(server.url).get(`/api/modules?token=${server.token}x`);
    expect(server.stderr()).not.toContain(server.token);
  });
});

describe("a server with a configured token", () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerProcess({ token: TOKEN });
  });
  afterAll(() => server?.stop());

  it("uses LABFLOW_TOKEN", async () => {
    expect(server.token).toBe(TOKEN);
    expect((await apiClient(server.url, { token: TOKEN }).get("/api/modules")).status).toBe(200);
    expect((await apiClient(server.url).get("/api/modules")).status).toBe(401);
  });
});

describe("cross-site protection", () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerProcess();
  });
  afterAll(() => server?.stop());

  it("refuses a WebSocket from a page of another origin with 403, token or not", async () => {
    const port = new URL(server.url).port;
    for (const origin of ["http://evil.example", "null", `https://127.0.0.1:${port}`, "http://127.0.0.1:1"]) {
      expect(await upgradeStatus(server.url, { headers: { origin } }), origin).toBe(403);
      expect(await upgradeStatus(server.url, { token: server.token, headers: { origin } }), origin).toBe(403);
    }
  });

  it("accepts a WebSocket from its own origin and from clients that send none", async () => {
    expect(await upgradeStatus(server.url, { token: server.token, headers: { origin: server.url } })).toBe(
      101,
    );
    expect(await upgradeStatus(server.url, { token: server.token })).toBe(101);
  });

  it("refuses API requests from a page of another origin (scheme, host or port) with 403", async () => {
    const api = apiClient(server.url, { token: server.token });
    const port = new URL(server.url).port;
    for (const origin of ["http://evil.example", `https://127.0.0.1:${port}`, "http://127.0.0.1:1"]) {
      const { status, body } = await api.request("POST", "/api/runs", {
        json: { name: "arithmetic" },
        headers: { origin },
      });
      expect(status, origin).toBe(403);
      expect(body.error.code).toBe("forbidden_origin");
    }
  });

  it("refuses a Host that is not this machine's even with the token (DNS rebinding)", async () => {
    const withToken = server.authHeaders;
    expect((await raw(server.url, "/api/health", { ...withToken, host: "evil.example" })).status).toBe(403);
    expect((await raw(server.url, "/", { host: "evil.example" })).status).toBe(403);
    expect(
      (await raw(server.url, "/api/health", { ...withToken, host: new URL(server.url).host })).status,
    ).toBe(200);
    const localhost = `localhost:${new URL(server.url).port}`;
    expect((await raw(server.url, "/api/health", { ...withToken, host: localhost })).status).toBe(200);
  });
});

/** `labflow serve` with this environment and arguments: its exit code and stderr (it must not start). */
function serveRefused(
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        join(repoRoot, "bin", "labflow.js"),
        "serve",
        "--data",
        "/nonexistent/never-made",
        "--port",
        "0",
        ...args,
      ],
      { env: { ...process.env, LABFLOW_DATA: "", ...env }, stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.once("error", reject);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe("tokens refused at start", () => {
  it.each([
    ["empty", ""],
    ["whitespace", "                    "],
    ["short", "short-token"],
    ["with a space inside", "a-long-enough token-with-space"],
  ])("refuses an %s LABFLOW_TOKEN", async (_what, token) => {
    const { code, stderr } = await serveRefused({ LABFLOW_TOKEN: token });
    expect(code).toBe(2);
    expect(stderr).toMatch(/LABFLOW_TOKEN: the token/);
  });

  it("refuses a --token-file other users may read", async () => {
    const dir = mkdtempSync(join(tmpdir(), "labflow-token-"));
    const file = join(dir, "token");
    writeFileSync(file, `${TOKEN}\n`, { mode: 0o644 });
    chmodSync(file, 0o644);
    const { code, stderr } = await serveRefused({}, ["--token-file", file]);
    rmSync(dir, { recursive: true, force: true });
    expect(code).toBe(2);
    expect(stderr).toMatch(/chmod 600/);
  });

  it("refuses --token, which every user sees in ps, and says where to put it instead", async () => {
    const { code, stderr } = await serveRefused({}, ["--token", TOKEN]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/LABFLOW_TOKEN/);
    expect(stderr).toMatch(/--token-file/);
  });
});
