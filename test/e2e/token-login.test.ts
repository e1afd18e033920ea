/**
 * The address `labflow serve` prints, opened in real Chromium: the editor without typing anything,
 * the token traded for a cookie and gone from the address bar; without it, a form asking for it.
 */
import type { BrowserContext } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import { waitUntil } from "../helpers/wait-until.js";
import { closeSharedBrowser, sharedBrowser, waitForEditorReady } from "./editor-fixture.js";

const TEST_TIMEOUT_MS = 120_000;

let server: ServerProcess;
let context: BrowserContext | undefined;

beforeAll(async () => {
  [server] = await Promise.all([startServerProcess(), sharedBrowser()]);
});
afterEach(async () => {
  await context?.close().catch(() => {});
  context = undefined;
});
afterAll(async () => {
  await closeSharedBrowser();
  await server?.stop();
});

describe("opening the editor with its token", () => {
  it(
    "shows the editor from the printed address, with the token out of the address bar and out of reach of scripts",
    async () => {
      context = await (await sharedBrowser()).newContext();
      const page = await context.newPage();
      const failed: string[] = [];
      page.on("response", (response) => {
        if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
      });
      const frames: string[] = [];
      page.on("websocket", (socket) =>
        socket.on("framereceived", (frame) => frames.push(String(frame.payload))),
      );
      await page.goto(server.editorUrl);
      await waitForEditorReady(page);
      // The editor's WebSocket opened with the cookie alone and got its snapshot.
      await waitUntil(() => frames.some((frame) => frame.includes('"snapshot"')), "the events snapshot");
      expect(page.url()).toBe(`${server.url}/`);
      expect(await page.evaluate("document.cookie")).toBe("");
      const [cookie] = await context.cookies();
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict" });
      expect(failed).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "asks for the token on a page opened without it, and opens the editor once it is given",
    async () => {
      context = await (await sharedBrowser()).newContext();
      const page = await context.newPage();
      const answer = await page.goto(server.url);
      expect(answer?.status()).toBe(401);
      await page.locator('input[name="token"]').fill(server.token);
      await page.getByRole("button", { name: "Open the editor" }).click();
      await waitForEditorReady(page);
      expect(page.url()).toBe(`${server.url}/`);
    },
    TEST_TIMEOUT_MS,
  );
});
