/**
 * The page tells the truth about the run and the draft: the status line and the run badge follow
 * the run shown, and `?workflow=` never silently replaces newer work on that workflow.
 */
import { describe, expect, it } from "vitest";
import { clickModule, paramField, setParam, statusLine } from "./editor-actions.js";
import { editorsForFile } from "./editor-per-test.js";

const TEST_TIMEOUT_MS = 120_000;
const WAIT = { timeout: 30_000 };
const ATTACHED = { state: "attached", ...WAIT } as const;

const editors = editorsForFile();

describe("what the editor says about runs and drafts", { timeout: TEST_TIMEOUT_MS }, () => {
  it("says the run completed on the status line once it has, not that it started", async () => {
    const editor = await editors.open("/?workflow=arithmetic");
    const { page } = editor;
    await page.getByRole("button", { name: "Run", exact: true }).click();
    await page.locator('[data-testid="run-status"][data-status="completed"]').waitFor(ATTACHED);
    await expect.poll(() => statusLine(page).textContent(), WAIT).toMatch(/^Run \S+ completed$/);
  });

  it("shows no CANCELLED badge on a new workflow", async () => {
    const editor = await editors.open("/?workflow=timed-demo");
    const { page } = editor;
    await page.getByRole("button", { name: "Run", exact: true }).click();
    // Going: running, or suspended on its jobs (the timer) a moment later.
    await page
      .locator(
        '[data-testid="run-status"][data-status="running"], [data-testid="run-status"][data-status="suspended"]',
      )
      .first()
      .waitFor(ATTACHED);
    await page.getByRole("button", { name: "Cancel", exact: true }).click();
    await page.locator('[data-testid="run-status"][data-status="cancelled"]').waitFor(ATTACHED);
    await page.getByRole("button", { name: "New", exact: true }).click();
    await page.getByTestId("run-status").waitFor({ state: "detached", ...WAIT });
  });

  it("flags an expression syntax error and an imported cycle before Run, each once", async () => {
    const doc = {
      version: 1,
      name: "flawed",
      modules: [
        { id: "e", type: "basic.Expression", params: { expression: "a + * 2" } },
        { id: "p", type: "basic.Add" },
        { id: "q", type: "basic.Add" },
      ],
      connections: [
        { from: { module: "p", port: "sum" }, to: { module: "q", port: "a" } },
        { from: { module: "q", port: "sum" }, to: { module: "p", port: "a" } },
      ],
    };
    await fetch(`${editors.server().url}/api/workflows/flawed`, {
      method: "PUT",
      headers: { ...editors.server().authHeaders, "Content-Type": "application/json" },
      body: JSON.stringify(doc),
    });
    const runCount = async () =>
      (
        await (
          await fetch(`${editors.server().url}/api/runs`, { headers: editors.server().authHeaders })
        ).json()
      ).runs.length;
    const runsBefore = await runCount();
    const editor = await editors.open("/?workflow=flawed");
    const { page } = editor;
    const problemsOf = (id: string) => page.locator(`.react-flow__node[data-id="${id}"] .lf-node-problems`);
    await expect
      .poll(() => problemsOf("e").getAttribute("title"), WAIT)
      .toMatch(/params\.expression|expression/);
    const expression = ((await problemsOf("e").getAttribute("title")) ?? "").split("\n");
    expect(expression).toHaveLength(1);
    const cycle = ((await problemsOf("p").getAttribute("title")) ?? "")
      .split("\n")
      .filter((m) => /cycle/.test(m));
    expect(cycle).toHaveLength(1);
    expect(await runCount()).toBe(runsBefore);
  });

  it("asks before ?workflow= replaces a newer draft of that workflow, and keeps the draft when told", async () => {
    const editor = await editors.open("/?workflow=arithmetic");
    const { page } = editor;
    await clickModule(page, "two");
    await setParam(page, "value", "42");
    // The draft is written 300 ms after the last edit (and when the page is left).
    await page.waitForTimeout(800);
    const asked: string[] = [];
    page.once("dialog", (dialog) => {
      asked.push(dialog.message());
      void dialog.dismiss();
    });
    await editor.reload();
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain('Your draft of "arithmetic"');
    await clickModule(page, "two");
    await expect.poll(() => paramField(page, "value").inputValue(), WAIT).toBe("42");
    expect(new URL(page.url()).searchParams.get("workflow")).toBeNull();
  });

  it("keeps a note written on the canvas in the document across a reload", async () => {
    const editor = await editors.open();
    const { page } = editor;
    await page.getByRole("button", { name: "Add note", exact: true }).click();
    await page.getByLabel("Note note1 text").fill("calibrate the balance first");
    await page.waitForTimeout(800);
    await editor.reload();
    await expect
      .poll(() => page.getByLabel("Note note1 text").inputValue(), WAIT)
      .toBe("calibrate the balance first");
    await page.getByRole("button", { name: "Delete note note1" }).click();
    await page.getByLabel("Note note1 text").waitFor({ state: "detached", ...WAIT });
  });

  it("keeps the whole workflow in view when the Jobs panel opens beside the canvas", async () => {
    const { page } = await editors.open("/?workflow=timed-demo");
    await page.locator('.react-flow__node[data-id="count"]').waitFor(WAIT);
    const allInPane = () =>
      page.evaluate(() => {
        const pane = document.querySelector(".react-flow")?.getBoundingClientRect();
        const nodes = [...document.querySelectorAll(".react-flow__node")].map((n) =>
          n.getBoundingClientRect(),
        );
        return (
          !!pane &&
          nodes.length === 6 &&
          nodes.every(
            (n) =>
              n.left >= pane.left && n.right <= pane.right && n.top >= pane.top && n.bottom <= pane.bottom,
          )
        );
      });
    await expect.poll(allInPane, WAIT).toBe(true);
    await page.getByRole("button", { name: "Jobs", exact: true }).click();
    await page.getByRole("region", { name: "Jobs" }).waitFor(WAIT);
    await expect.poll(allInPane, WAIT).toBe(true);
  });
});
