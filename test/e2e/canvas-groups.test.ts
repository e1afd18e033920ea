/**
 * Groups in real Chromium: select modules, group them from the context menu, name the group,
 * move it as one, collapse it, and find it collapsed and named after a reload (the draft).
 */
import { describe, expect, it } from "vitest";
import { canvas, clickModule, moduleNode } from "./editor-actions.js";
import { editorForEachTest } from "./editor-per-test.js";

const TEST_TIMEOUT_MS = 120_000;
const WAIT = { timeout: 30_000 };
const ATTACHED = { state: "attached", ...WAIT } as const;

const currentEditor = editorForEachTest("/?workflow=arithmetic");

describe("groups on the canvas", { timeout: TEST_TIMEOUT_MS }, () => {
  it("groups, names, moves and collapses modules, and keeps the group across a reload", async () => {
    const { page } = currentEditor();
    await clickModule(page, "sum");
    await moduleNode(page, "scaled")
      .locator(".lf-node-title")
      .click({ modifiers: ["Control"] });
    await moduleNode(page, "sum").locator(".lf-node-title").click({ button: "right" });
    await page.getByRole("menuitem", { name: "Group", exact: true }).click();
    const group = page.locator('.react-flow__node[data-id="group:group1"]');
    await group.waitFor(ATTACHED);
    await page.getByLabel("Group group1 name").fill("Maths");

    // Dragged by its title bar, the group moves its modules.
    const sumBefore = await moduleNode(page, "sum").boundingBox();
    const logBefore = await moduleNode(page, "log").boundingBox();
    const head = await group.locator(".lf-group-count, .lf-group-head").first().boundingBox();
    if (!sumBefore || !logBefore || !head) throw new Error("no boxes");
    await page.mouse.move(head.x + head.width - 40, head.y + head.height / 2);
    await page.mouse.down();
    await page.mouse.move(head.x + head.width - 40, head.y + head.height / 2 + 60, { steps: 8 });
    await page.mouse.up();
    await expect
      .poll(async () => ((await moduleNode(page, "sum").boundingBox())?.y ?? 0) - sumBefore.y, WAIT)
      .toBeGreaterThan(30);
    expect((await moduleNode(page, "log").boundingBox())?.y).toBe(logBefore.y);

    await page.getByRole("button", { name: "Collapse group group1" }).click();
    await expect.poll(() => moduleNode(page, "sum").count(), WAIT).toBe(0);
    await expect.poll(() => moduleNode(page, "scaled").count(), WAIT).toBe(0);
    await expect.poll(() => group.textContent(), WAIT).toContain("2 modules");
    expect(await canvas(page).getAttribute("data-modules")).toBe("5");

    // The draft keeps the group: reload, keep the draft when asked.
    await page.waitForTimeout(800);
    page.once("dialog", (dialog) => void dialog.dismiss());
    await currentEditor().reload();
    await group.waitFor(ATTACHED);
    await expect.poll(() => page.getByLabel("Group group1 name").inputValue(), WAIT).toBe("Maths");
    expect(await moduleNode(page, "sum").count()).toBe(0);
    await page.getByRole("button", { name: "Expand group group1" }).click();
    await moduleNode(page, "sum").waitFor({ state: "visible", ...WAIT });
  });
});
