/**
 * Canvas tools in real Chromium: values on output ports after a run, auto-layout, and a wire
 * dropped on a module's body. One Chromium and one server for the file; every test has a fresh
 * browser context (no draft) with the arithmetic example open.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { canvas, connectionEdge, dragModuleOntoCanvas, moduleNode } from "./editor-actions.js";
import { editorForEachTest } from "./editor-per-test.js";

const TEST_TIMEOUT_MS = 120_000;
const WAIT = { timeout: 30_000 };
const ATTACHED = { state: "attached", ...WAIT } as const;

const currentEditor = editorForEachTest("/?workflow=arithmetic");

async function boxOf(page: Page, id: string) {
  const box = await moduleNode(page, id).boundingBox();
  if (!box) throw new Error(`module ${id} is not on the page`);
  return box;
}

describe("canvas tools", { timeout: TEST_TIMEOUT_MS }, () => {
  it("shows each output's value beside its port after a run", async () => {
    const { page } = currentEditor();
    await page.getByRole("button", { name: "Run", exact: true }).click();
    await page.locator('[data-testid="run-status"][data-status="completed"]').waitFor(ATTACHED);
    const sum = moduleNode(page, "sum").locator('[data-testid="port-preview"][data-port="sum"]');
    await expect.poll(() => sum.textContent(), WAIT).toBe("5");
    const scaled = moduleNode(page, "scaled").locator('[data-testid="port-preview"][data-port="result"]');
    await expect.poll(() => scaled.textContent(), WAIT).toBe("51");
  });

  it("auto-layout puts upstream modules left of downstream ones, without overlaps, in one undo step", async () => {
    const { page } = currentEditor();
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

  it("connects a wire dropped on a module's body to its first free compatible input", async () => {
    const { page } = currentEditor();
    await dragModuleOntoCanvas(page, "Add", { x: 300, y: 420 });
    await expect.poll(() => canvas(page).getAttribute("data-modules"), WAIT).toBe("6");
    const added = (
      await page
        .locator(".react-flow__node")
        .evaluateAll((nodes) => nodes.map((n) => n.getAttribute("data-id") ?? ""))
    ).find((id) => !["two", "three", "sum", "scaled", "log"].includes(id) && !id.startsWith("note:"));
    if (!added) throw new Error("the added module is not on the canvas");
    const handle = await moduleNode(page, "three").locator('[data-handleid="out:value"]').boundingBox();
    const title = await moduleNode(page, added).locator(".lf-node-title").boundingBox();
    if (!handle || !title) throw new Error("no handle or title");
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(handle.x + 30, handle.y + 15, { steps: 4 });
    await page.mouse.move(title.x + title.width / 2, title.y + title.height / 2, { steps: 12 });
    await page.mouse.up();
    await connectionEdge(page, "three.value", `${added}.a`).waitFor(ATTACHED);
  });
});
