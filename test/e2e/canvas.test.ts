/**
 * The canvas in real Chromium: framing the view, where new modules land, finding a module. One
 * Chromium and one server for the file; every test has a fresh browser context (no draft).
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { canvas, clickModule, connectionEdge, moduleNode, palette } from "./editor-actions.js";
import { editorForEachTest } from "./editor-per-test.js";

const TEST_TIMEOUT_MS = 120_000;
const WAIT = { timeout: 30_000 };

const currentEditor = editorForEachTest("/?workflow=timed-demo");

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const inside = (inner: Box, outer: Box): boolean =>
  inner.x >= outer.x - 1 &&
  inner.y >= outer.y - 1 &&
  inner.x + inner.width <= outer.x + outer.width + 1 &&
  inner.y + inner.height <= outer.y + outer.height + 1;

/** How many of the modules on the canvas lie wholly inside the visible pane. */
async function modulesInView(page: Page): Promise<{ inView: number; total: number }> {
  const pane = await canvas(page).locator(".react-flow").boundingBox();
  if (!pane) throw new Error("no canvas");
  const boxes = await Promise.all(
    (await page.locator(".react-flow__node").all()).map((node) => node.boundingBox()),
  );
  const inView = boxes.filter((b) => b !== null && inside(b, pane)).length;
  return { inView, total: boxes.length };
}

/** Drags the empty pane far to the right, so that the modules leave the view. */
async function panAway(page: Page): Promise<void> {
  const pane = await canvas(page).locator(".react-flow").boundingBox();
  if (!pane) throw new Error("no canvas");
  const start = { x: pane.x + 30, y: pane.y + pane.height - 30 };
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(start.x + pane.width * 0.8, start.y - 10, { steps: 10 });
  await page.mouse.up();
  await expect.poll(async () => (await modulesInView(page)).inView, WAIT).toBeLessThan(6);
}

/** Pairs of modules whose boxes on the page overlap (by id). */
async function overlappingModules(page: Page): Promise<string[]> {
  const nodes = await page.locator(".react-flow__node").all();
  const boxes = await Promise.all(
    nodes.map(async (n) => ({ id: (await n.getAttribute("data-id")) ?? "", box: await n.boundingBox() })),
  );
  const pairs: string[] = [];
  boxes.forEach(({ id: ia, box: a }, i) => {
    for (const { id: ib, box: b } of boxes.slice(i + 1)) {
      if (
        a &&
        b &&
        a.x < b.x + b.width &&
        b.x < a.x + a.width &&
        a.y < b.y + b.height &&
        b.y < a.y + a.height
      )
        pairs.push(`${ia}/${ib}`);
    }
  });
  return pairs;
}

const allInView = async (page: Page) => {
  const { inView, total } = await modulesInView(page);
  return total > 0 && inView === total;
};

describe("the canvas in Chromium", { timeout: TEST_TIMEOUT_MS }, () => {
  it("fits the view with F and with the fit button after a module was selected and deselected", async () => {
    const { page } = currentEditor();
    await expect.poll(() => allInView(page), WAIT).toBe(true);
    await clickModule(page, "sum");
    await expect(moduleNode(page, "sum").getAttribute("class")).resolves.toContain("selected");
    await page.keyboard.press("Escape");

    await panAway(page);
    await page.keyboard.press("f");
    await expect.poll(() => allInView(page), WAIT).toBe(true);

    await clickModule(page, "count");
    await page.keyboard.press("Escape");
    await panAway(page);
    await page.getByRole("button", { name: "Fit View" }).click();
    await expect.poll(() => allInView(page), WAIT).toBe(true);
  });

  it("routes the wire wait -> done around the Command module in its way, not under or over it", async () => {
    const { page } = currentEditor();
    const wire = connectionEdge(page, "wait.finished", "done.value");
    await wire.waitFor({ state: "attached", ...WAIT });
    const count = await moduleNode(page, "count").boundingBox();
    if (!count) throw new Error("no Command module");
    // Points along the drawn wire, in page coordinates.
    const points = await wire.locator(".react-flow__edge-path").evaluate((path: SVGPathElement) => {
      const matrix = path.getScreenCTM();
      const length = path.getTotalLength();
      const out: { x: number; y: number }[] = [];
      for (let at = 0; at <= length; at += 4) {
        const p = path.getPointAtLength(at);
        out.push({
          x: p.x * (matrix?.a ?? 1) + (matrix?.e ?? 0),
          y: p.y * (matrix?.d ?? 1) + (matrix?.f ?? 0),
        });
      }
      return out;
    });
    expect(points.length).toBeGreaterThan(10);
    const overCount = points.filter(
      (p) =>
        p.x > count.x + 1 &&
        p.x < count.x + count.width - 1 &&
        p.y > count.y + 1 &&
        p.y < count.y + count.height - 1,
    );
    expect(overCount).toEqual([]);
  });

  it("adds a module twice from the palette without the second overlapping the first", async () => {
    const { page } = currentEditor();
    const item = palette(page).getByRole("button", { name: "Constant", exact: true });
    await item.dblclick();
    await item.dblclick();
    await expect.poll(() => canvas(page).getAttribute("data-modules"), WAIT).toBe("8");
    expect(await overlappingModules(page)).toEqual([]);
  });

  it("finds a module with Ctrl+F and frames it", async () => {
    const { page } = currentEditor();
    await panAway(page);
    await page.keyboard.press("Control+f");
    const find = page.getByRole("searchbox", { name: "Find a module" });
    await find.fill("timer");
    await find.press("Enter");
    const centred = async () => {
      const pane = await canvas(page).locator(".react-flow").boundingBox();
      const node = await moduleNode(page, "wait").boundingBox();
      if (!pane || !node) return false;
      const dx = node.x + node.width / 2 - (pane.x + pane.width / 2);
      const dy = node.y + node.height / 2 - (pane.y + pane.height / 2);
      return inside(node, pane) && Math.hypot(dx, dy) < 20;
    };
    await expect.poll(centred, WAIT).toBe(true);
    await expect(moduleNode(page, "wait").getAttribute("class")).resolves.toContain("selected");
    await find.press("Escape");
    await find.waitFor({ state: "detached", ...WAIT });
  });

  it("duplicates and deletes a module from its context menu", async () => {
    const { page } = currentEditor();
    await moduleNode(page, "sum").locator(".lf-node-title").click({ button: "right" });
    const menu = page.getByRole("menu", { name: "Module sum" });
    await menu.getByRole("menuitem", { name: "Duplicate" }).click();
    await expect.poll(() => canvas(page).getAttribute("data-modules"), WAIT).toBe("7");
    await moduleNode(page, "sum1").waitFor({ state: "visible", ...WAIT });
    await menu.waitFor({ state: "detached", ...WAIT });

    await moduleNode(page, "sum1").locator(".lf-node-title").click({ button: "right" });
    await page.getByRole("menu", { name: "Module sum1" }).getByRole("menuitem", { name: "Delete" }).click();
    await expect.poll(() => canvas(page).getAttribute("data-modules"), WAIT).toBe("6");
    await moduleNode(page, "sum1").waitFor({ state: "detached", ...WAIT });
  });

  it("pastes a copied module beside the original, covering no module", async () => {
    const { page } = currentEditor();
    await clickModule(page, "sum");
    await page.keyboard.press("Control+c");
    await page.keyboard.press("Control+v");
    await expect.poll(() => canvas(page).getAttribute("data-modules"), WAIT).toBe("7");
    await moduleNode(page, "sum1").waitFor({ state: "visible", ...WAIT });
    expect(await overlappingModules(page)).toEqual([]);
  });
});
