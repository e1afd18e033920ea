/**
 * Results in real Chromium: a module's outputs in their viewers (a file with its Download link, a
 * table as a grid), a job's stdout saved through the page byte for byte, the run log.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import { workflow } from "../helpers/workflow-builder.js";
import { clickModule, inspector, moduleNode, sidebarTab } from "./editor-actions.js";
import { closeSharedBrowser, type EditorSession, openEditor, sharedBrowser } from "./editor-fixture.js";

const TEST_TIMEOUT_MS = 120_000;
const WAIT = { timeout: 30_000 };

let server: ServerProcess;
let editor: EditorSession;

const STDOUT = "first line\nsecond line é\n";

beforeAll(async () => {
  [server] = await Promise.all([startServerProcess(), sharedBrowser()]);
  const doc = workflow("results-demo")
    .module("cmd", "jobs.Command", { command: `printf '${STDOUT.replaceAll("\n", "\\n")}'` })
    .module("quiet", "jobs.Command", { command: "true" })
    .module("table", "basic.Constant", {
      value: {
        columns: [
          { name: "t", unit: "s" },
          { name: "temperature", unit: "°C" },
        ],
        rows: Array.from({ length: 2000 }, (_, i) => [i, 20 + i / 100]),
      },
    })
    .module("note", "basic.Constant", { value: "hello from the log" })
    .module("log", "basic.Log", { label: "note" })
    .connect("note.value", "log.value")
    .build();
  // Apart on the canvas, so each can be clicked.
  doc.modules?.forEach((m, i) => {
    m.position = { x: (i % 3) * 260, y: Math.floor(i / 3) * 180 };
  });
  const answer = await fetch(`${server.url}/api/workflows/results-demo`, {
    method: "PUT",
    headers: { ...server.authHeaders, "Content-Type": "application/json" },
    body: JSON.stringify(doc),
  });
  expect(answer.ok).toBe(true);
  // One run for every test: a second would be served from the cache (and log nothing new).
  editor = await openEditor({ server, path: "/?workflow=results-demo" });
  const { page } = editor;
  await moduleNode(page, "cmd").waitFor(WAIT);
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await page
    .locator('[data-testid="run-status"][data-status="completed"]')
    .waitFor({ state: "attached", ...WAIT });
}, TEST_TIMEOUT_MS);
afterAll(async () => {
  await editor?.close();
  await closeSharedBrowser();
  await server?.stop();
});
afterEach(async (context) => {
  // A failure keeps a screenshot; the session goes on for the next test.
  if (context.task.result?.state !== "fail") return;
  await editor.page.screenshot({ path: `test-results/results-${context.task.name}.png` }).catch(() => {});
});

describe("results in the editor", { timeout: TEST_TIMEOUT_MS }, () => {
  it("shows a job's stdout in place and downloads it byte for byte", async () => {
    const { page } = editor;
    await clickModule(page, "cmd");
    await sidebarTab(page, "Results");
    const results = inspector(page).getByRole("region", { name: "Results" });
    await expect.poll(() => results.locator('[data-content-of="stdout"]').textContent(), WAIT).toBe(STDOUT);

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      results.getByRole("link", { name: "Download stdout" }).click(),
    ]);
    const saved = await download.path();
    const runs = await (await fetch(`${server.url}/api/runs`, { headers: server.authHeaders })).json();
    const run = await (
      await fetch(`${server.url}/api/runs/${runs.runs[0].id}`, { headers: server.authHeaders })
    ).json();
    const onServer = readFileSync(run.modules.cmd.outputs.stdout);
    expect(readFileSync(saved)).toEqual(onServer);
    expect(onServer.toString("utf8")).toBe(STDOUT);
    expect(download.suggestedFilename()).toBe("stdout");
  });

  it("downloads a job's whole stdout from the Job Monitor, and lists the job's files", async () => {
    const { page } = editor;
    await page.getByRole("button", { name: "Jobs", exact: true }).click();
    const jobs = page.getByRole("region", { name: "Jobs", exact: true });
    const row = jobs.getByRole("group", { name: "Job cmd", exact: true });
    await row.getByRole("button", { name: "stdout", exact: true }).click();
    const log = jobs.getByRole("region", { name: "stdout of cmd" });
    await expect.poll(() => log.getByTestId("job-log").textContent(), WAIT).toBe(STDOUT);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      log.getByRole("link", { name: "Download stdout" }).click(),
    ]);
    const jobId = await row.getAttribute("data-job-id");
    const runs = await (await fetch(`${server.url}/api/runs`, { headers: server.authHeaders })).json();
    const onServer = readFileSync(
      join(server.dataDir, "runs", runs.runs[0].id, "jobs", jobId as string, "stdout"),
    );
    expect(readFileSync(await download.path())).toEqual(onServer);
    await page.getByRole("button", { name: "Jobs", exact: true }).click();
  });

  it("says (empty) for an empty stdout", async () => {
    const { page } = editor;
    await clickModule(page, "quiet");
    await sidebarTab(page, "Results");
    const results = inspector(page).getByRole("region", { name: "Results" });
    await expect
      .poll(() => results.locator('[data-port="stdout"] .lf-empty-file').textContent(), WAIT)
      .toBe("(empty)");
  });

  it("shows a table as a grid with its units, only the rows in view in the page", async () => {
    const { page } = editor;
    await clickModule(page, "table");
    await sidebarTab(page, "Results");
    const grid = inspector(page).getByRole("table", { name: "Table value" });
    await grid.waitFor(WAIT);
    expect(await grid.getByRole("columnheader").allTextContents()).toEqual(["t (s)", "temperature (°C)"]);
    await expect.poll(() => grid.getByRole("cell").first().textContent(), WAIT).toBe("0");
    const rendered = await grid.locator("tbody tr[aria-rowindex]").count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(200);
    expect(await grid.getAttribute("aria-rowcount")).toBe("2001");
  });

  it("lists a Log module's entry in the run log, filterable by module", async () => {
    const { page } = editor;
    await sidebarTab(page, "Log");
    const log = inspector(page).getByRole("region", { name: "Run log" });
    const entries = log.getByRole("list", { name: "Log entries" });
    await expect.poll(() => entries.textContent(), WAIT).toContain("note: hello from the log");
    await log.getByLabel("Module").selectOption("log");
    await expect.poll(() => entries.locator("li").count(), WAIT).toBeGreaterThan(0);
    for (const module of await entries
      .locator("li")
      .evaluateAll((lis) => lis.map((li) => li.dataset.module))) {
      expect(module).toBe("log");
    }

    // A selected module lists its own entries under its results.
    await clickModule(page, "log");
    await sidebarTab(page, "Results");
    const own = inspector(page)
      .getByRole("region", { name: "Run log" })
      .getByRole("list", { name: "Log entries" });
    await expect.poll(() => own.textContent(), WAIT).toContain("note: hello from the log");
    await page.keyboard.press("Escape");
  });

  it("widens the sidebar by its edge, never hiding the canvas at 1280x800", async () => {
    const small = await openEditor({
      server,
      path: "/?workflow=results-demo",
      viewport: { width: 1280, height: 800 },
    });
    try {
      const { page } = small;
      const box = async (name: string, exact = false) => {
        const found = await page.getByRole("region", { name, exact }).boundingBox();
        if (!found) throw new Error(`no ${name} region`);
        return found;
      };
      const apart = async () => {
        const flow = await box("Workflow");
        const side = await box("Inspector");
        expect(flow.width).toBeGreaterThanOrEqual(360);
        expect(flow.x + flow.width).toBeLessThanOrEqual(side.x + 1);
        return { flow, side };
      };
      const before = await apart();
      const edge = page.getByRole("separator", { name: "Resize the sidebar" });
      const handle = await edge.boundingBox();
      if (!handle) throw new Error("no sidebar edge");
      const y = handle.y + handle.height / 2;
      await page.mouse.move(handle.x + handle.width / 2, y);
      await page.mouse.down();
      await page.mouse.move(handle.x - 200, y, { steps: 5 });
      await page.mouse.up();
      const wider = await apart();
      expect(wider.side.width).toBeGreaterThan(before.side.width + 150);

      // Dragged as far as it goes: the canvas keeps its room.
      await page.mouse.move(wider.side.x + 2, y);
      await page.mouse.down();
      await page.mouse.move(0, y, { steps: 5 });
      await page.mouse.up();
      await apart();

      // The Jobs panel beside the canvas: the sidebar gives way, nothing covers the canvas.
      await page.getByRole("button", { name: "Jobs", exact: true }).click();
      const jobs = await box("Jobs", true);
      const flow = (await apart()).flow;
      expect(flow.x + flow.width).toBeLessThanOrEqual(jobs.x + 1);
    } finally {
      await small.close();
    }
  });
});
