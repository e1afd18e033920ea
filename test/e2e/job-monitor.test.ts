/**
 * The Job Monitor panel in real Chromium against the real server (docs/job-monitor.md): a run with a
 * `jobs.Command` that prints a line a second and a `jobs.Timer`. The tests run in order on one run,
 * one server (killed and started again on the same data folder and port) and one page.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import { waitUntil } from "../helpers/wait-until.js";
import { workflow } from "../helpers/workflow-builder.js";
import { screenshotOnFailure } from "./browser.js";
import { closeSharedBrowser, type EditorSession, openEditor } from "./editor-fixture.js";

/** A slow, shared 2-core machine: waits are for events, but may take long. */
const TEST_TIMEOUT_MS = 120_000;
const WAIT = { timeout: 30_000 };
const WAIT_MS = 30_000;

const dataDir = mkdtempSync(join(tmpdir(), "labflow-monitor-e2e-"));
let server: ServerProcess;
let editor: EditorSession;
let page: Page;
let runId: string;

const doc = workflow("monitor-demo")
  .module("count", "jobs.Command", { command: 'for i in $(seq 1 300); do echo "line $i"; sleep 1; done' })
  .module("wait", "jobs.Timer", { seconds: 600 })
  .build();

beforeAll(async () => {
  // A command's cwd is the workspace, which the runtime does not make by itself.
  mkdirSync(join(dataDir, "workspace"), { recursive: true });
  server = await startServerProcess({ dataDir });
  const started = await fetch(`${server.url}/api/runs`, {
    method: "POST",
    headers: { ...server.authHeaders, "content-type": "application/json" },
    body: JSON.stringify({ workflow: doc }),
  });
  runId = ((await started.json()) as { runId: string }).runId;
  editor = await openEditor({ server });
  page = editor.page;
});

afterEach(async (context) => {
  await screenshotOnFailure(page, `job-monitor ${context.task.name}`, context.task.result?.state === "fail");
});

afterAll(async () => {
  await editor?.close();
  await closeSharedBrowser();
  await server?.stop();
  // Commands outlive the server by design: if a test failed before cancelling one, end it here.
  endLeftoverCommands();
  rmSync(dataDir, { recursive: true, force: true });
});

/** SIGKILLs the process group of every command job of the data folder that still runs. */
function endLeftoverCommands(): void {
  const runs = join(dataDir, "runs");
  if (!existsSync(runs)) return;
  for (const run of readdirSync(runs)) {
    const jobs = join(runs, run, "jobs");
    if (!existsSync(jobs)) continue;
    for (const job of readdirSync(jobs)) {
      const pidFile = join(jobs, job, "pid");
      if (!existsSync(pidFile)) continue;
      const pid = Number.parseInt(readFileSync(pidFile, "utf8"), 10);
      if (!(pid > 1)) continue;
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
}

const jobsRegion = () => page.getByRole("region", { name: "Jobs", exact: true });
const jobRow = (moduleId: string): Locator =>
  jobsRegion().getByRole("group", { name: `Job ${moduleId}`, exact: true });
/** The job's row once its `data-<attribute>` has this value. */
const jobWith = (moduleId: string, attribute: string, value: string): Locator =>
  jobsRegion().locator(`[data-module-id="${moduleId}"][data-${attribute}="${value}"]`);
const button = (row: Locator, name: string) => row.getByRole("button", { name, exact: true });
const lastChecked = async (moduleId: string) =>
  (await jobRow(moduleId).getAttribute("data-last-checked")) ?? "";
const logText = async () => (await jobsRegion().getByTestId("job-log").textContent()) ?? "";
const linesIn = (text: string) => (text.match(/^line \d+$/gm) ?? []).length;

/** The job's folder holds the pid the command's wrapper wrote (modules/jobs/_detached-process.ts). */
async function commandPid(): Promise<number> {
  const jobId = await jobRow("count").getAttribute("data-job-id");
  const pidFile = join(dataDir, "runs", runId, "jobs", jobId as string, "pid");
  return Number.parseInt(readFileSync(pidFile, "utf8"), 10);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

describe("the Job Monitor panel in Chromium", { timeout: TEST_TIMEOUT_MS }, () => {
  it("opens beside the canvas from the toolbar and shows both jobs of the run, live", async () => {
    await page.getByRole("button", { name: "Jobs", exact: true }).click();
    await jobsRegion().waitFor(WAIT);
    await jobWith("count", "state", "running").waitFor(WAIT);
    await jobWith("wait", "state", "running").waitFor(WAIT);
    await expect(jobRow("count").getByTestId("job-state").textContent()).resolves.toMatch(/running\s*r/);
    await expect(jobRow("wait").textContent()).resolves.toContain("jobs.Timer");
    await jobsRegion()
      .getByRole("group", { name: `Run ${runId}` })
      .waitFor(WAIT);
  });

  it("selects and centres a job's module in the editor when the job is clicked, opening its run", async () => {
    await button(jobRow("wait"), "wait").click();
    const node = page.locator('.react-flow__node[data-id="wait"]');
    await page.locator('.react-flow__node.selected[data-id="wait"]').waitFor(WAIT);
    // The run opened with its module states: the other job's module shows suspended (it may
    // show running for a moment, until the run's state arrives).
    // In the DOM, whether or not in view: centring on "wait" may leave "count" beside the viewport.
    await page
      .locator('.react-flow__node[data-id="count"][data-status="suspended"]')
      .waitFor({ ...WAIT, state: "attached" });
    // Centred: the module's middle ends up near the middle of the canvas (after the short animation).
    const canvas = page.getByRole("region", { name: "Workflow", exact: true });
    await waitUntil(
      async () => {
        const [a, b] = await Promise.all([node.boundingBox(), canvas.boundingBox()]);
        if (!a || !b) return false;
        const dx = a.x + a.width / 2 - (b.x + b.width / 2);
        const dy = a.y + a.height / 2 - (b.y + b.height / 2);
        return Math.hypot(dx, dy) < 60;
      },
      "the module to be centred",
      WAIT_MS,
    );
  });

  it("shows new stdout lines in the log view as the command prints them", async () => {
    await button(jobRow("count"), "stdout").click();
    const log = jobsRegion().getByRole("region", { name: "stdout of count" });
    await log.waitFor(WAIT);
    const first = linesIn(
      await waitUntil(async () => ((await logText()).includes("line 1") ? logText() : ""), "line 1", WAIT_MS),
    );
    await waitUntil(async () => linesIn(await logText()) >= first + 2, "two more lines to appear", WAIT_MS);
  });

  it("shows a timer's progress moving between its checks (a timer is checked at its start and end only)", async () => {
    const ticking = workflow("ticking").module("ticking", "jobs.Timer", { seconds: 60 }).build();
    await fetch(`${server.url}/api/runs`, {
      method: "POST",
      headers: { ...server.authHeaders, "content-type": "application/json" },
      body: JSON.stringify({ workflow: ticking }),
    });
    await jobWith("ticking", "state", "running").waitFor(WAIT);
    const bar = jobRow("ticking").getByRole("progressbar");
    const percent = async () => Number(await bar.getAttribute("aria-valuenow"));
    await waitUntil(async () => (await lastChecked("ticking")) !== "", "the timer's first check", WAIT_MS);
    const checked = await lastChecked("ticking");
    const first = await percent();
    await waitUntil(async () => (await percent()) > first, "the timer's progress to move", WAIT_MS);
    expect(await lastChecked("ticking")).toBe(checked);
  });

  it("stops checking a paused job: its last-checked time stops moving while the other's goes on", async () => {
    await button(jobRow("wait"), "Pause checking").click();
    await jobWith("wait", "paused", "true").waitFor(WAIT);
    // A check already under way when Pause was pressed may still land: let two checks of the
    // other job pass before taking the paused job's time.
    for (let i = 0; i < 2; i++) {
      const before = await lastChecked("count");
      await waitUntil(
        async () => (await lastChecked("count")) > before,
        "the other job to be checked",
        WAIT_MS,
      );
    }
    const paused = await lastChecked("wait");
    const from = await lastChecked("count");
    await waitUntil(
      async () => Date.parse(await lastChecked("count")) - Date.parse(from) >= 3_000,
      "3 s more of checks of the other job",
      WAIT_MS,
    );
    expect(await lastChecked("wait")).toBe(paused);
    await expect
      .poll(() => jobRow("wait").getByTestId("job-checks").textContent(), WAIT)
      .toContain("checks paused");

    await button(jobRow("wait"), "Resume checking").click();
    await waitUntil(async () => (await lastChecked("wait")) > paused, "checks to resume", WAIT_MS);
  });

  it("recovers by itself when the server is killed and started again on the same data folder and port", async () => {
    const live = jobsRegion().getByText("live", { exact: true });
    const offline = jobsRegion().getByText("offline", { exact: true });
    const port = new URL(server.url).port;
    const linesBefore = linesIn(await logText());

    await server.kill("SIGKILL");
    await offline.waitFor(WAIT);
    const restartedAt = new Date().toISOString();
    // The same token: the page's cookie stays good, as it does for a server started with LABFLOW_TOKEN.
    server = await startServerProcess({ dataDir, token: server.token, args: ["--port", port] });
    expect(new URL(server.url).port).toBe(port);

    await live.waitFor(WAIT);
    // The command outlived the server: it is checked again, and its new lines still arrive.
    await waitUntil(
      async () => (await lastChecked("count")) > restartedAt,
      "a check after the restart",
      WAIT_MS,
    );
    await waitUntil(
      async () => linesIn(await logText()) > linesBefore + 1,
      "new lines after the restart",
      WAIT_MS,
    );
    // The page reloads the jobs after the reconnect: wait for the timer's state, not read it once.
    await jobWith("wait", "state", "running").waitFor(WAIT);
  });

  it("cancels the command after confirming: its process is gone and the state turns cancelled", async () => {
    const pid = await commandPid();
    expect(alive(pid)).toBe(true);
    await button(jobRow("count"), "Cancel").click();
    const dialog = page.getByRole("dialog", { name: "Cancel job count?" });
    await dialog.waitFor(WAIT);
    await dialog.getByRole("button", { name: "Cancel job", exact: true }).click();

    await jobWith("count", "state", "cancelled").waitFor(WAIT);
    await expect(jobRow("count").getByTestId("job-state").textContent()).resolves.toMatch(/cancelled\s*cd/);
    await waitUntil(() => !alive(pid), `process ${pid} to be gone`, WAIT_MS);
  });

  it("with auto-resume off, tells of the completed job (toast and notification), says the run waits for a person, and Resume continues it", async () => {
    const autoResume = jobsRegion().getByRole("checkbox", { name: "Auto-resume" });
    await autoResume.uncheck();
    await waitUntil(
      async () =>
        (await (await fetch(`${server.url}/api/settings`, { headers: server.authHeaders })).json())
          .autoResume === false,
      "the setting to be stored",
      WAIT_MS,
    );
    // The person allowed notifications: each one the page raises is noted.
    await editor.context.grantPermissions(["notifications"]);
    await page.evaluate(`
      globalThis.__notified = [];
      const Native = Notification;
      globalThis.Notification = new Proxy(Native, {
        get: (target, key) => target[key],
        construct(target, args) {
          globalThis.__notified.push(args[0]);
          return Reflect.construct(target, args);
        },
      });
    `);
    const waiting = workflow("waits-for-you")
      .module("soon", "jobs.Timer", { seconds: 0.5 })
      .module("after", "basic.Log")
      .connect("soon.finished", "after.value")
      .build();
    const started = await fetch(`${server.url}/api/runs`, {
      method: "POST",
      headers: { ...server.authHeaders, "content-type": "application/json" },
      body: JSON.stringify({ workflow: waiting }),
    });
    const { runId: waitingRun } = (await started.json()) as { runId: string };

    await page.getByTestId("job-toasts").getByText("Job soon completed").waitFor(WAIT);
    await expect
      .poll(() => page.evaluate("globalThis.__notified"), WAIT)
      .toContain("labflow: soon completed");
    const runRow = jobsRegion().getByRole("group", { name: `Run ${waitingRun}` });
    await runRow.getByText("Waits for you", { exact: false }).waitFor(WAIT);
    await button(runRow, "Resume").click();
    await jobsRegion().locator(`[data-run-id="${waitingRun}"][data-status="completed"]`).waitFor(WAIT);
    await autoResume.check();
  });
});
