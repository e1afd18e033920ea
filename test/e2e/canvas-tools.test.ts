/**
 * Canvas tools in real Chromium: values on output ports after a run, and auto-layout. One
 * Chromium and one server for the file; every test has a fresh browser context (no draft) with
 * the arithmetic example open.
 */
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import { moduleNode } from "./editor-actions.js";
import { closeSharedBrowser, type EditorSession, openEditor, sharedBrowser } from "./editor-fixture.js";

const TEST_TIMEOUT_MS = 120_000;
const WAIT = { timeout: 30_000 };
const ATTACHED = { state: "attached", ...WAIT } as const;

let server: ServerProcess;
let editor: EditorSession;

beforeAll(async () => {
  [server] = await Promise.all([startServerProcess(), sharedBrowser()]);
});
afterAll(async () => {
  await closeSharedBrowser();
  await server?.stop();
});
beforeEach(async () => {
  editor = await openEditor({ server, path: "/?workflow=arithmetic" });
});
afterEach(async (context) => {
  await editor?.close(context.task);
});

async function boxOf(page: Page, id: string) {
  const box = await moduleNode(page, id).boundingBox();
  if (!box) throw new Error(`module ${id} is not on the page`);
  return box;
}

describe("canvas tools", { timeout: TEST_TIMEOUT_MS }, () => {
  it("shows each output's value beside its port after a run", async () => {
    const { page } = editor;
    await page.getByRole("button", { name: "Run", exact: true }).click();
    await page.locator('[data-testid="run-status"][data-status="completed"]').waitFor(ATTACHED);
    const sum = moduleNode(page, "sum").locator('[data-testid="port-preview"][data-port="sum"]');
    await expect.poll(() => sum.textContent(), WAIT).toBe("5");
    const scaled = moduleNode(page, "scaled").locator('[data-testid="port-preview"][data-port="result"]');
    await expect.poll(() => scaled.textContent(), WAIT).toBe("51");
  });

  it("auto-layout puts upstream modules left of downstream ones, without overlaps, in one undo step", async () => {
    const { page } = editor;
    const before = await boxOf(page, "log");
    await page.getByRole("button", { name: "Auto-layout", exact: true }).click();
    await expect
      .poll(async () => JSON.stringify(await boxOf(page, "log")), WAIT)
      .not.toBe(JSON.stringify(before));
    const ids = ["two", "three", "sum", "scaled", "log"];
    const boxes = await Promise.all(ids.map((id) => boxOf(page, id)));
    const [two, three, sum, scaled, log] = boxes as [
      typeof before,
      typeof before,
      typeof before,
      typeof before,
      typeof before,
    ];
    for (const [a, b] of [
      [two, sum],
      [three, sum],
      [sum, scaled],
      [scaled, log],
    ] as const)
      expect(a.x + a.width).toBeLessThan(b.x);
    expect(two.y + two.height <= three.y || three.y + three.height <= two.y).toBe(true);
    await page.getByRole("button", { name: "Undo", exact: true }).click();
    await expect
      .poll(async () => JSON.stringify(await boxOf(page, "log")), WAIT)
      .toBe(JSON.stringify(before));
  });
});
