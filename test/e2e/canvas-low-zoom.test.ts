/**
 * Low zoom in real Chromium: zoomed out until text is unreadable, the modules and wires are drawn
 * as shapes on one canvas (no module nodes in the page), and a click on a module's shape selects
 * it; zoomed back in, the full nodes with their ports are back and are selected as before. One
 * Chromium and one server for the file; every test has a fresh browser context with the
 * arithmetic example open.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { canvas, clickModule, inspector, moduleNode, paramField } from "./editor-actions.js";
import { editorForEachTest } from "./editor-per-test.js";

const TEST_TIMEOUT_MS = 120_000;
const WAIT = { timeout: 30_000 };

const currentEditor = editorForEachTest("/?workflow=arithmetic");

const shapes = (page: Page) => canvas(page).getByRole("img", { name: "Modules drawn as shapes" });
const shownModuleId = (page: Page) => inspector(page).getByLabel("Module id", { exact: true });

/** Presses the canvas' zoom-out button until the modules are drawn as shapes. */
async function zoomOutToShapes(page: Page): Promise<void> {
  const zoomOut = page.getByRole("button", { name: "Zoom Out" });
  await expect
    .poll(async () => {
      if ((await canvas(page).getAttribute("data-detail")) === "shapes") return true;
      await zoomOut.click();
      return false;
    }, WAIT)
    .toBe(true);
}

/** Where a flow point (document coordinates) is on the screen, from the view's transform. */
async function screenPoint(page: Page, x: number, y: number): Promise<{ x: number; y: number }> {
  const pane = await page.locator(".react-flow__pane").boundingBox();
  const transform = await page
    .locator(".react-flow__viewport")
    .evaluate((e) => (e as HTMLElement).style.transform);
  const [tx, ty, k] = (
    /translate\(([-\d.e]+)px,\s*([-\d.e]+)px\)\s*scale\(([-\d.e]+)\)/.exec(transform) ?? []
  )
    .slice(1)
    .map(Number);
  if (!pane || tx === undefined || ty === undefined || k === undefined) throw new Error("no canvas view");
  return { x: pane.x + tx + x * k, y: pane.y + ty + y * k };
}

describe("the canvas at low zoom", { timeout: TEST_TIMEOUT_MS }, () => {
  it("draws the modules and wires as shapes, not as nodes, when zoomed out", async () => {
    const { page } = currentEditor();
    await moduleNode(page, "sum").waitFor(WAIT);
    await zoomOutToShapes(page);
    await shapes(page).waitFor(WAIT);
    expect(await shapes(page).getAttribute("data-modules")).toBe("5");
    expect(await shapes(page).getAttribute("data-wires")).toBe("4");
    await expect.poll(() => page.locator(".react-flow__node").count(), WAIT).toBe(0);
    await expect.poll(() => page.locator(".react-flow__edge").count(), WAIT).toBe(0);
  });

  it("selects a module by a click on its shape", async () => {
    const { page } = currentEditor();
    await moduleNode(page, "sum").waitFor(WAIT);
    await zoomOutToShapes(page);
    await shapes(page).waitFor(WAIT);
    // "sum" is at (260, 60) in workflows/arithmetic.json, 200 wide: click inside its box.
    const at = await screenPoint(page, 360, 80);
    await page.mouse.click(at.x, at.y);
    await expect.poll(() => shownModuleId(page).inputValue(), WAIT).toBe("sum");
  });

  it("shows the full nodes with their ports again when zoomed back in, and they are selected by a click", async () => {
    const { page } = currentEditor();
    await moduleNode(page, "sum").waitFor(WAIT);
    await zoomOutToShapes(page);
    await page.getByRole("button", { name: "Fit View" }).click();
    await expect.poll(() => canvas(page).getAttribute("data-detail"), WAIT).toBe("nodes");
    await moduleNode(page, "scaled").waitFor(WAIT);
    expect(await shapes(page).count()).toBe(0);
    await moduleNode(page, "sum").locator('[data-handleid="in:a"]').waitFor(WAIT);
    await moduleNode(page, "sum").locator('[data-handleid="out:sum"]').waitFor(WAIT);
    await clickModule(page, "scaled");
    await expect.poll(() => shownModuleId(page).inputValue(), WAIT).toBe("scaled");
    expect(await paramField(page, "expression").inputValue()).toBe("a * 10 + (a > 4 ? 1 : 0)");
  });
});
