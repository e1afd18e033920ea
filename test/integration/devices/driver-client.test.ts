/**
 * The server's client of a driver host, against a real unix socket whose other end the test
 * plays: whatever comes back, the server must not crash.
 */
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DriverClient } from "../../../server/devices/lab/driver-client.js";
import { tempDir } from "../../helpers/temp-dir.js";
import { waitUntil } from "../../helpers/wait-until.js";

const closing: (() => void)[] = [];
afterEach(() => {
  for (const close of closing.splice(0)) close();
});

/** A socket server that hands each request line to `answer`, which writes raw lines back. */
async function fakeHost(answer: (request: { id: number; method: string }, socket: Socket) => void) {
  const path = join(tempDir(), "host.sock");
  const server: Server = createServer((socket) => {
    socket.setEncoding("utf8");
    let buffer = "";
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      let end = buffer.indexOf("\n");
      while (end !== -1) {
        answer(JSON.parse(buffer.slice(0, end)), socket);
        buffer = buffer.slice(end + 1);
        end = buffer.indexOf("\n");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  closing.push(() => server.close());
  const log: string[] = [];
  const client = await DriverClient.connect(path, { timeoutMs: 10_000, log: (m) => log.push(m) });
  closing.push(() => client.close());
  return { client, log };
}

describe("driver client", () => {
  it("ignores lines that answer no call (not JSON, not an object, no numeric id) and logs them", async () => {
    const { client, log } = await fakeHost((request, socket) => {
      socket.write(`not json\nnull\n42\n[1]\n{"id":"1","result":{}}\n{"result":{}}\n`);
      socket.write(`${JSON.stringify({ id: request.id, result: { at: "now" } })}\n`);
    });
    expect(await client.ping()).toEqual({ at: "now" });
    expect(log).toHaveLength(6);
    expect(log[1]).toMatch(/ignored a line from the driver host at .*host\.sock: not a JSON object: null/);
    expect(log[4]).toMatch(/no numeric id: \{"id":"1"/);
    expect(client.isClosed).toBe(false);
  });

  it("fails a call answered with a malformed error, naming the method, and keeps working", async () => {
    let calls = 0;
    const { client } = await fakeHost((request, socket) => {
      calls++;
      const answers = [
        { id: request.id, error: null },
        { id: request.id, error: { code: 3 } },
        { id: request.id },
        { id: request.id, error: { message: "device busy" } },
        { id: request.id, result: { at: "later" } },
      ];
      socket.write(`${JSON.stringify(answers[calls - 1])}\n`);
    });
    await expect(client.ping()).rejects.toThrow(/answered ping with a malformed error/);
    await expect(client.ping()).rejects.toThrow(/answered ping with a malformed error/);
    await expect(client.ping()).rejects.toThrow(/answered ping with neither a result nor an error/);
    await expect(client.ping()).rejects.toThrow(/^device busy$/);
    expect(await client.ping()).toEqual({ at: "later" });
  });

  it("drops an endless line from the host without keeping it in memory", async () => {
    const { client, log } = await fakeHost((request, socket) => {
      socket.write("x".repeat(200_000));
      socket.write(`\n${JSON.stringify({ id: request.id, result: { at: "after" } })}\n`);
    });
    expect(await client.ping()).toEqual({ at: "after" });
    await waitUntil(() => log.length > 0, "the log line");
    expect(log[0]).toMatch(/sent a line longer than 65536 characters; dropped/);
  });
});
