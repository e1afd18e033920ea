/**
 * The Job Monitor page in Chromium with 5,000 jobs (10 workflows x 5 runs x 100 suspended
 * jobs.WaitForFile, for files that never come: a timer is no longer checked until its end), all
 * checked every second, so that 5,000 job events a second reach the page while it
 * is measured: the worst steady case the panel meets.
 *
 * Method (the page's own clock, `performance.now()`, 0 = navigation start):
 * - open: a fresh browser context navigates to `/?view=jobs`; *rendered* is the first animation
 *   frame after the list holds every row (its `data-rows` attribute, noted by a MutationObserver
 *   installed before the page's scripts). The job rows in the DOM then are counted: the list is
 *   virtualised, so only those in view (plus a few) exist.
 * - scroll: requestAnimationFrame moves the list's scrollTop by 40 px a frame (a fast wheel) for
 *   3 s, top to bottom; fps = frames / seconds, with the longest frame. Three runs, the median.
 *   The job events the page's event socket received meanwhile are counted (the page has two: the
 *   editor's and the monitor's; the count is per socket).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import type { WorkflowDocumentInput } from "../../server/schema/workflow-document.js";
import { launchBrowser } from "../e2e/browser.js";
import { repoRoot } from "../helpers/labflow-cli.js";
import { startServerProcess } from "../helpers/server-process.js";

const WORKFLOWS = 10;
const RUNS_PER_WORKFLOW = 5;
const JOBS_PER_RUN = 100;
const VIEWPORT = { width: 1600, height: 1000 };
const SCROLL_MS = 3_000;
const SCROLL_RUNS = 3;
const TIMEOUT_MS = 120_000;

export interface MonitorBenchResult {
  jobs: number;
  rows: number;
  renderedMs: number[];
  jobRowsInDom: number;
  scrollFps: number[];
  worstFrameMs: number;
  /** Job events the page received per second while scrolling. */
  eventsPerSecond: number;
}

function waitingJobs(workflow: number, run: number): WorkflowDocumentInput {
  const modules: WorkflowDocumentInput["modules"] = [];
  for (let i = 0; i < JOBS_PER_RUN; i++)
    // A path of its own per module: modules alike in every way would share one job.
    modules.push({
      id: `t${i}`,
      type: "jobs.WaitForFile",
      params: { path: `never/${workflow}-${run}-${i}` },
    });
  return { version: 1, name: `monitor-bench-${workflow}`, modules, connections: [] };
}

/** Notes when the list first holds `rows` rows, at the next frame (installed before the page runs). */
const PROBE = `
  globalThis.__lfRendered = undefined;
  new MutationObserver((_, observer) => {
    const list = document.querySelector('[data-testid="job-list"]');
    if (!list || Number(list.getAttribute("data-rows")) < Number(globalThis.__lfRows ?? 1)) return;
    observer.disconnect();
    requestAnimationFrame(() => { globalThis.__lfRendered = performance.now(); });
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-rows"] });
  // Counts job events as they arrive (one or many a message), per socket, to report the load.
  globalThis.__lfEvents = 0;
  globalThis.__lfSockets = 0;
  const NativeSocket = WebSocket;
  globalThis.WebSocket = class extends NativeSocket {
    constructor(...args) {
      super(...args);
      globalThis.__lfSockets++;
      this.addEventListener("close", () => globalThis.__lfSockets--);
      this.addEventListener("message", (e) => {
        if (typeof e.data === "string") globalThis.__lfEvents += (e.data.match(/"type":"job"/g) ?? []).length;
      });
    }
  };
`;

const SCROLL = `(async () => {
  const list = document.querySelector('[data-testid="job-list"]');
  list.scrollTop = 0;
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const events = globalThis.__lfEvents;
  const start = performance.now();
  let last = start, frames = 0, worst = 0;
  await new Promise((resolve) => {
    const step = (t) => {
      frames++;
      worst = Math.max(worst, t - last);
      last = t;
      list.scrollTop += 40;
      if (t - start < ${SCROLL_MS}) requestAnimationFrame(step); else resolve();
    };
    requestAnimationFrame(step);
  });
  const seconds = (performance.now() - start) / 1000;
  const perSocket = (globalThis.__lfEvents - events) / Math.max(1, globalThis.__lfSockets);
  return { fps: frames / seconds, worst, eventsPerSecond: perSocket / seconds };
})()`;

export async function monitorBench(
  options: {
    opens?: number /** `off`: no checks, no events (the list alone). */;
    checkInterval?: "off";
  } = {},
): Promise<MonitorBenchResult> {
  const opens = options.opens ?? 3;
  if (!existsSync(join(repoRoot, "dist", "client", "index.html")))
    throw new Error("bench: the client is not built (dist/client): run `npm run build` first");
  const server = await startServerProcess({
    readyTimeoutMs: 60_000,
    ...(options.checkInterval ? { args: ["--check-interval", options.checkInterval] } : {}),
  });
  let browser: Browser | undefined;
  try {
    const runIds: string[] = [];
    for (let w = 0; w < WORKFLOWS; w++) {
      for (let r = 0; r < RUNS_PER_WORKFLOW; r++) {
        const answer = await fetch(`${server.url}/api/runs`, {
          method: "POST",
          headers: { ...server.authHeaders, "content-type": "application/json" },
          body: JSON.stringify({ workflow: waitingJobs(w, r) }),
        });
        if (!answer.ok)
          throw new Error(`bench: starting a run failed: ${answer.status} ${await answer.text()}`);
        runIds.push(((await answer.json()) as { runId: string }).runId);
      }
    }
    const jobs = WORKFLOWS * RUNS_PER_WORKFLOW * JOBS_PER_RUN;
    const deadline = Date.now() + TIMEOUT_MS;
    for (;;) {
      const { jobs: listed } = (await (
        await fetch(`${server.url}/api/jobs?state=running`, { headers: server.authHeaders })
      ).json()) as {
        jobs: unknown[];
      };
      if (listed.length >= jobs) break;
      if (Date.now() > deadline) throw new Error(`bench: only ${listed.length} of ${jobs} jobs running`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const rows = jobs + WORKFLOWS * RUNS_PER_WORKFLOW + WORKFLOWS;

    browser = await launchBrowser();
    const renderedMs: number[] = [];
    let jobRowsInDom = 0;
    let scroll: { fps: number; worst: number; eventsPerSecond: number }[] = [];
    for (let i = 0; i < opens; i++) {
      const context = await browser.newContext({ viewport: VIEWPORT });
      await context.addInitScript(`globalThis.__lfRows = ${rows};${PROBE}`);
      const page = await context.newPage();
      await page.goto(`${server.url}/?view=jobs&token=${server.token}`, { timeout: TIMEOUT_MS });
      await page.waitForFunction("globalThis.__lfRendered !== undefined", undefined, { timeout: TIMEOUT_MS });
      renderedMs.push((await page.evaluate("globalThis.__lfRendered")) as number);
      jobRowsInDom = await page.locator('[data-testid="job-list"] [data-job-id]').count();
      if (i === opens - 1) {
        scroll = [];
        for (let s = 0; s < SCROLL_RUNS; s++)
          scroll.push(
            (await page.evaluate(SCROLL)) as { fps: number; worst: number; eventsPerSecond: number },
          );
      }
      await context.close();
    }
    scroll.sort((a, b) => a.fps - b.fps);
    const median = scroll[Math.floor(scroll.length / 2)] ?? { fps: 0, worst: 0, eventsPerSecond: 0 };
    return {
      jobs,
      rows,
      renderedMs,
      jobRowsInDom,
      scrollFps: scroll.map((s) => s.fps),
      worstFrameMs: median.worst,
      eventsPerSecond: median.eventsPerSecond,
    };
  } finally {
    await browser?.close();
    await server.stop();
  }
}

export function monitorBenchReport(m: MonitorBenchResult): string[] {
  const fmt = (n: number, digits = 1) => n.toFixed(digits).padStart(9);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  const all = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(", ");
  return [
    `\nmonitor, the Jobs page in Chromium with ${m.jobs} jobs (${m.rows} rows), all checked every second:`,
    `  navigation to every row listed (new tab)  ${fmt(median(m.renderedMs))} ms median (${all(m.renderedMs)})`,
    `  job rows in the page (virtualised)        ${fmt(m.jobRowsInDom, 0)}`,
    `  scroll, 40 px a frame                     ${fmt(median(m.scrollFps))} fps median of ${all(m.scrollFps)} (longest frame ${m.worstFrameMs.toFixed(0)} ms)`,
    `  job events received while scrolling       ${fmt(m.eventsPerSecond, 0)} /s (batched, ~20 messages/s)`,
  ];
}
