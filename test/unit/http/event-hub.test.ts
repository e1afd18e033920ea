/**
 * The WebSocket hub listens to the application bus only while a client is connected: with nobody
 * watching, the engine and the live data tail skip building events nobody would receive.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { EventHub } from "../../../server/http/events/event-hub.js";
import { allowedHosts } from "../../../server/http/request-guards.js";
import { testRuntime } from "../../helpers/runtime.js";
import { waitUntil } from "../../helpers/wait-until.js";

const token = "t".repeat(43);

describe("the WebSocket hub", () => {
  it("listens to the application bus while a client is connected, and only then", async () => {
    const runtime = await testRuntime();
    const hub = new EventHub(runtime, { token, allowedHosts: allowedHosts("127.0.0.1") });
    const server = createServer();
    server.on("upgrade", (req, socket, head) => hub.handleUpgrade(req, socket, head));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const connect = async () => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}/api/events`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const first = new Promise<string>((resolve) => socket.once("message", (m) => resolve(String(m))));
      await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
      expect(JSON.parse(await first).type).toBe("snapshot");
      return socket;
    };
    try {
      expect(runtime.events.hasListeners).toBe(false);
      const a = await connect();
      const b = await connect();
      expect(runtime.events.hasListeners).toBe(true);
      a.close();
      await waitUntil(() => hub.clientCount === 1, "the first client to be gone");
      expect(runtime.events.hasListeners).toBe(true);
      const heard = new Promise<string>((resolve) => b.once("message", (m) => resolve(String(m))));
      runtime.events.emit({ type: "settings", settings: { checkInterval: 5_000, autoResume: true } });
      expect(JSON.parse(await heard)).toMatchObject({ type: "settings" });
      b.close();
      await waitUntil(() => hub.clientCount === 0, "the last client to be gone");
      expect(runtime.events.hasListeners).toBe(false);
    } finally {
      await hub.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
