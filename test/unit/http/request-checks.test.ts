import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { tokenProblem } from "../../../server/http/access-token.js";
import { tokenOf } from "../../../server/http/auth.js";
import { jsonDepth } from "../../../server/http/json-depth.js";
import { allowedHosts, hostAllowed, originAllowed } from "../../../server/http/request-guards.js";

const bytes = (text: string) => Buffer.from(text);

describe("jsonDepth", () => {
  it("counts nested arrays and objects, not brackets inside strings", () => {
    expect(jsonDepth(bytes("1"))).toBe(0);
    expect(jsonDepth(bytes('{"a":[1,{"b":[]}]}'))).toBe(4);
    expect(jsonDepth(bytes('{"a":"[[[[{{{{"}'))).toBe(1);
    expect(jsonDepth(bytes('{"a":"\\"[[[["}'))).toBe(1);
  });

  it("measures 100,000 levels without recursion", () => {
    expect(jsonDepth(bytes(`${"[".repeat(100_000)}${"]".repeat(100_000)}`))).toBe(100_000);
  });
});

describe("tokenProblem", () => {
  it.each([
    ["", /empty/],
    ["                    ", /empty/],
    ["a-long-enough token-here", /whitespace/],
    ["short-token", /11 characters long; give at least 16/],
    ["ünïcode-token-that-is-long", /printable ASCII/],
  ])("refuses %j", (token, why) => {
    expect(tokenProblem(token)).toMatch(why);
  });

  it("takes 16 printable characters", () => {
    expect(tokenProblem("0123456789abcdef")).toBeUndefined();
  });
});

describe("tokenOf", () => {
  const req = (headers: Record<string, string>, url = "/api/runs") => ({ headers, url }) as IncomingMessage;

  it("reads a Bearer header whatever the case of the scheme", () => {
    for (const scheme of ["Bearer", "bearer", "BEARER"])
      expect(tokenOf(req({ authorization: `${scheme} tok` }))).toBe("tok");
  });

  it("takes no token from an empty header or query", () => {
    expect(tokenOf(req({ authorization: "Bearer " }))).toBeUndefined();
    expect(tokenOf(req({}, "/api/runs?token="))).toBeUndefined();
  });
});

describe("Origin and Host", () => {
  it("compares the Origin's scheme, host and port with the request's Host", () => {
    const host = "127.0.0.1:8080";
    expect(originAllowed({ host })).toBe(true);
    expect(originAllowed({ host, origin: "http://127.0.0.1:8080" })).toBe(true);
    expect(originAllowed({ host, origin: "https://127.0.0.1:8080" })).toBe(false);
    expect(originAllowed({ host, origin: "http://127.0.0.1:8081" })).toBe(false);
    expect(originAllowed({ host, origin: "http://evil.example" })).toBe(false);
    expect(originAllowed({ host, origin: "null" })).toBe(false);
  });

  it("allows loopback names, the bound address and the names given, in every mode", () => {
    const hosts = allowedHosts("10.1.2.3", ["lab.example.org"]);
    for (const host of [
      "localhost:8080",
      "127.0.0.1:8080",
      "127.9.9.9",
      "[::1]:8080",
      "10.1.2.3:8080",
      "lab.example.org",
    ])
      expect(hostAllowed({ host }, hosts), host).toBe(true);
    for (const host of ["evil.example", "10.1.2.4", "", "lab.example.org.evil.example"])
      expect(hostAllowed({ host }, hosts), host).toBe(false);
  });
});
