/**
 * The editor in Chromium with a 1,000-module workflow: time from navigation to fully rendered and
 * interactive, the answer to a click, and the frame rate while panning.
 *
 * Method (all times are the page's own clock, `performance.now()`, 0 = navigation start):
 * - open: a fresh browser context (empty cache, no draft) navigates to `/?workflow=<name>`.
 *   *rendered* is when the canvas sets `data-ready="true"` (the first frame with the modules is
 *   painted; a MutationObserver installed before the page's scripts notes the moment). The module
 *   nodes visible then are counted, and counted again once quiet: the same number means that none
 *   came late (the canvas renders only the modules in view). *interactive* is the end of the last
 *   long task (> 50 ms, PerformanceObserver "longtask") before the main thread stays quiet for 1 s
 *   after rendered, or rendered itself when no long task follows: a simplified Time to Interactive.
 * - reload: the same page reloaded (warm HTTP cache; the workflow is fetched again).
 * - click: from a real mouse press on a module to the inspector showing it (the next frame).
 * - pan: a drag on the empty background, there and back (right and down at 360 px/s, a brisk drag
 *   by hand, for 1.5 s, then back), so that modules keep coming into view and going out of it
 *   (nodes mount and unmount as it goes); the page records every animation frame;
 *   fps = frames that showed the view moved / seconds; three runs, the median reported. Two ways
 *   to move the mouse:
 *   - in-page: requestAnimationFrame drives it, one synthetic mousemove per frame (as Chromium
 *     delivers a real mouse, aligned to frames);
 *   - Playwright mouse: real input events (CDP Input.dispatchMouseEvent) every ~8 ms; each one
 *     waits for the page to take it, so on a busy machine fewer arrive than frames could show.
 *     The moves delivered per second are printed beside it: the frame rate cannot exceed them.
 * The frame rate idle is printed too: it is the ceiling (headless Chromium paints at 60 Hz).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import type { WorkflowDocumentInput } from "../../server/schema/workflow-document.js";
import { launchBrowser } from "../e2e/browser.js";
import { repoRoot } from "../helpers/labflow-cli.js";
import { startServerProcess } from "../helpers/server-process.js";

const VIEWPORT = { width: 1920, height: 1080 };
const COLUMNS = 25;
const QUIET_MS = 1000;
const PAN_MS = 3000;
/** Each pan is repeated, the median (by frame rate) reported: the 2 cores are shared. */
const PAN_RUNS = 3;
/** 360 px/s: a brisk drag by hand. */
const PAN_PX_PER_MS = 0.36;
const TIMEOUT_MS = 60_000;

/**
 * `rows x COLUMNS` modules: each row a chain Constant -> Expression -> Log -> Expression -> ...,
 * laid out on a grid, so that 1,000 modules carry 960 connections.
 */
export function editorBenchWorkflow(count = 1000): WorkflowDocumentInput {
  const modules: WorkflowDocumentInput["modules"] = [];
  const connections: NonNullable<WorkflowDocumentInput["connections"]> = [];
  for (let r = 0; modules.length < count; r++) {
    for (let c = 0; c < COLUMNS && modules.length < count; c++) {
      const id = `r${r}c${c}`;
      const position = { x: c * 260, y: r * 170 };
      if (c === 0) {
        modules.push({ id, type: "basic.Constant", params: { value: r }, position });
        continue;
      }
      const expression = c % 2 === 1;
      modules.push(
        expression
          ? { id, type: "basic.Expression", params: { expression: `a + ${c}` }, position }
          : { id, type: "basic.Log", params: { label: id }, position },
      );
      connections.push({
        from: { module: `r${r}c${c - 1}`, port: c === 1 ? "value" : expression ? "value" : "result" },
        to: { module: id, port: expression ? "a" : "value" },
      });
    }
  }
  return { version: 1, name: `editor-bench-${count}`, modules, connections };
}

export interface EditorOpenFigures {
  renderedMs: number;
  interactiveMs: number;
  /** Module nodes in the DOM and visible at rendered (the ones in view: the canvas virtualises). */
  nodesRendered: number;
  /** Module nodes in the DOM once quiet: equal to nodesRendered when nothing was still to come. */
  nodesLater: number;
  longTasks: number;
}

export interface PanFigures {
  method: string;
  fps: number;
  frames: number;
  worstFrameMs: number;
  /** Gaps between frames that moved the view longer than 25 ms (1.5 frames at 60 Hz). */
  slowFrames: number;
  pannedPx: number;
  /** Playwright mouse only: the moves it delivered per second, the most frames could show. */
  movesPerSecond?: number;
}

export interface EditorBenchResult {
  modules: number;
  connections: number;
  viewport: { width: number; height: number };
  open: EditorOpenFigures[];
  reload: EditorOpenFigures;
  clickToInspectorMs: number;
  idleFps: number;
  pans: (PanFigures & { allFps: number[] })[];
}

/** Installed before the page's scripts: notes when the canvas is ready and every long task. */
function installProbes(): void {
  const bench = { readyAt: undefined as number | undefined, nodesAtReady: 0, longTasks: [] as number[][] };
  (window as unknown as { __bench: typeof bench }).__bench = bench;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) bench.longTasks.push([e.startTime, e.startTime + e.duration]);
    }).observe({ type: "longtask", buffered: true });
  } catch {
    // No long task timing: interactive falls back to rendered.
  }
  const seen = new MutationObserver(() => {
    if (bench.readyAt !== undefined) return;
    if (!document.querySelector('section[aria-label="Workflow"][data-ready="true"]')) return;
    bench.readyAt = performance.now();
    bench.nodesAtReady = [...document.querySelectorAll(".react-flow__node")].filter(
      (n) => getComputedStyle(n).visibility !== "hidden",
    ).length;
    seen.disconnect();
  });
  seen.observe(document, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ["data-ready"],
  });
}

interface Probe {
  readyAt: number | undefined;
  nodesAtReady: number;
  longTasks: number[][];
}

async function measureOpen(page: Page, modules: number): Promise<EditorOpenFigures> {
  await page.waitForFunction(
    () => (window as unknown as { __bench: Probe }).__bench.readyAt !== undefined,
    null,
    {
      timeout: TIMEOUT_MS,
    },
  );
  const shown = await page.getAttribute('section[aria-label="Workflow"]', "data-modules");
  if (shown !== String(modules)) throw new Error(`bench: the canvas holds ${shown} modules, not ${modules}`);
  // Wait (polling the page's clock) for a quiet second after rendered: no long task in it.
  const probe = await page.waitForFunction(
    (quietMs) => {
      const b = (window as unknown as { __bench: Probe }).__bench;
      const lastEnd = Math.max(b.readyAt ?? 0, ...b.longTasks.map((t) => t[1] ?? 0));
      return performance.now() - lastEnd >= quietMs ? { ...b, lastEnd } : false;
    },
    QUIET_MS,
    { timeout: TIMEOUT_MS, polling: 100 },
  );
  const b = (await probe.jsonValue()) as Probe & { lastEnd: number };
  const nodesLater = await page.locator(".react-flow__node").count();
  if (b.nodesAtReady === 0) throw new Error("bench: no module was visible when the canvas said ready");
  return {
    renderedMs: b.readyAt ?? Number.NaN,
    interactiveMs: b.lastEnd,
    nodesRendered: b.nodesAtReady,
    nodesLater,
    longTasks: b.longTasks.length,
  };
}

/** A point of the canvas background (no module under it), found from the page's own hit test. */
async function emptyPoint(page: Page): Promise<{ x: number; y: number }> {
  const point = await page.evaluate(() => {
    const pane = document.querySelector(".react-flow__pane")?.getBoundingClientRect();
    if (!pane) return undefined;
    for (let y = pane.top + pane.height * 0.6; y < pane.bottom - 150; y += 7)
      for (let x = pane.left + 40; x < pane.left + pane.width * 0.5; x += 7)
        if (document.elementFromPoint(x, y)?.classList.contains("react-flow__pane")) return { x, y };
    return undefined;
  });
  if (!point) throw new Error("bench: found no empty spot of the canvas to drag");
  return point;
}

/**
 * Frame statistics from what the page recorded. A pan's frame rate counts the frames that showed
 * the view moved (a frame without a new mouse position shows nothing new); idle counts all.
 */
function frameFigures(method: string, frames: RecordedFrames, countAll = false): PanFigures {
  const shown = countAll ? frames.stamps : frames.movedStamps;
  const gaps = shown.slice(1).map((t, i) => t - (shown[i] ?? t));
  const seconds = ((frames.stamps.at(-1) ?? 0) - (frames.stamps[0] ?? 0)) / 1000;
  return {
    method,
    frames: shown.length,
    fps: seconds > 0 ? shown.length / seconds : 0,
    worstFrameMs: Math.max(0, ...gaps),
    slowFrames: gaps.filter((d) => d > 25).length,
    pannedPx: frames.maxShiftPx,
  };
}

interface RecordedFrames {
  /** Every animation frame. */
  stamps: number[];
  /** The frames at which the view had moved since the frame before. */
  movedStamps: number[];
  /** How far the view moved at most from where it was (read from the viewport's transform). */
  maxShiftPx: number;
}

/**
 * In the page: records every animation frame's time and how far the view has moved, until
 * stopped. With `pan`, it also drives the pan: each frame moves the pressed mouse (synthetic
 * events on the background) to where the pan path is at that frame's time.
 */
function recordFrames(options: { pan?: { x: number; y: number; ms: number; pxPerMs: number } }): void {
  const viewport = document.querySelector(".react-flow__viewport") as HTMLElement;
  const pane = document.querySelector(".react-flow__pane") as Element;
  const shiftOf = (from: string) => {
    const m = /translate\(([-\d.]+)px,\s*([-\d.]+)px\)/.exec(viewport.style.transform);
    const f = /translate\(([-\d.]+)px,\s*([-\d.]+)px\)/.exec(from);
    return m && f ? Math.hypot(Number(m[1]) - Number(f[1]), Number(m[2]) - Number(f[2])) : 0;
  };
  const from = viewport.style.transform;
  const state = { stamps: [] as number[], movedStamps: [] as number[], maxShiftPx: 0, stop: false };
  let last = from;
  (window as unknown as { __frames: typeof state }).__frames = state;
  const mouse = (type: string, x: number, y: number, buttons: number) =>
    pane.dispatchEvent(
      new MouseEvent(type, { clientX: x, clientY: y, button: 0, buttons, bubbles: true, view: window }),
    );
  const pan = options.pan;
  if (pan) mouse("mousedown", pan.x, pan.y, 1);
  const tick = (t: number) => {
    state.stamps.push(t);
    if (viewport.style.transform !== last) state.movedStamps.push(t);
    last = viewport.style.transform;
    state.maxShiftPx = Math.max(state.maxShiftPx, shiftOf(from));
    const elapsed = t - (state.stamps[0] ?? t);
    if (pan) {
      // There and back: right and down for half the time, then back to the start.
      const d = pan.pxPerMs * Math.min(elapsed, Math.max(0, pan.ms - elapsed));
      mouse("mousemove", pan.x + d, pan.y + d / 3, 1);
      if (elapsed >= pan.ms) {
        mouse("mouseup", pan.x, pan.y, 0);
        state.stop = true;
      }
    }
    if (!state.stop) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

async function stopRecording(page: Page): Promise<RecordedFrames> {
  return page.evaluate(() => {
    const frames = (window as unknown as { __frames: RecordedFrames & { stop: boolean } }).__frames;
    frames.stop = true;
    return { stamps: frames.stamps, movedStamps: frames.movedStamps, maxShiftPx: frames.maxShiftPx };
  });
}

async function idleFps(page: Page): Promise<number> {
  await page.evaluate(recordFrames, {});
  await new Promise((r) => setTimeout(r, 1000));
  return frameFigures("idle", await stopRecording(page), true).fps;
}

/** In the page: the pan driven from requestAnimationFrame, one mousemove per frame. */
async function panInPage(page: Page, start: { x: number; y: number }): Promise<PanFigures> {
  await page.evaluate(recordFrames, { pan: { ...start, ms: PAN_MS, pxPerMs: PAN_PX_PER_MS } });
  await page.waitForFunction(
    () => (window as unknown as { __frames: { stop: boolean } }).__frames.stop,
    null,
    {
      timeout: TIMEOUT_MS,
      polling: 100,
    },
  );
  return frameFigures("in-page (rAF-driven mousemove)", await stopRecording(page));
}

/** Real mouse input through Playwright (CDP), a move every ~8 ms; the page counts its frames. */
async function panWithMouse(page: Page, start: { x: number; y: number }): Promise<PanFigures> {
  await page.mouse.move(start.x, start.y);
  await page.evaluate(recordFrames, {});
  await page.mouse.down();
  const began = Date.now();
  let moves = 0;
  for (let elapsed = 0; elapsed < PAN_MS; elapsed = Date.now() - began) {
    const d = PAN_PX_PER_MS * Math.min(elapsed, PAN_MS - elapsed);
    await page.mouse.move(start.x + d, start.y + d / 3);
    moves++;
    await new Promise((r) => setTimeout(r, 8));
  }
  const movesPerSecond = moves / ((Date.now() - began) / 1000);
  await page.mouse.move(start.x, start.y);
  await page.mouse.up();
  return { ...frameFigures("Playwright mouse (CDP input)", await stopRecording(page)), movesPerSecond };
}

/** The run of median frame rate out of `runs` pans by `pan`. */
async function medianPan(
  runs: number,
  pan: () => Promise<PanFigures>,
): Promise<PanFigures & { allFps: number[] }> {
  const all: PanFigures[] = [];
  for (let i = 0; i < runs; i++) all.push(await pan());
  all.sort((a, b) => a.fps - b.fps);
  const median = all[Math.floor(all.length / 2)] as PanFigures;
  return { ...median, allFps: all.map((p) => p.fps) };
}

/** From a real click on a module to the inspector showing that module (the next frame). */
async function clickToInspector(page: Page): Promise<number> {
  const target = await page.evaluate(() => {
    const pane = document.querySelector(".react-flow__pane")?.getBoundingClientRect();
    const nodes = [...document.querySelectorAll<HTMLElement>(".react-flow__node")];
    for (const n of nodes) {
      const title = n.querySelector(".lf-node-title")?.getBoundingClientRect();
      if (!pane || !title) continue;
      const x = title.left + 10;
      const y = title.top + title.height / 2;
      if (x > pane.left + 50 && x < pane.right - 300 && y > pane.top + 50 && y < pane.bottom - 250)
        return { id: n.dataset.id ?? "", x, y };
    }
    return undefined;
  });
  if (!target) throw new Error("bench: no module in view to click");
  const answered = page.evaluate(
    (id) =>
      new Promise<number>((resolve) => {
        let downAt = 0;
        window.addEventListener("pointerdown", () => (downAt = performance.now()), {
          capture: true,
          once: true,
        });
        const inspector = document.querySelector('section[aria-label="Inspector"]') as Element;
        const shows = () =>
          [...inspector.querySelectorAll("input")].some((i) => (i as HTMLInputElement).value === id);
        const seen = new MutationObserver(() => {
          if (!downAt || !shows()) return;
          seen.disconnect();
          requestAnimationFrame(() => resolve(performance.now() - downAt));
        });
        seen.observe(inspector, { subtree: true, childList: true, attributes: true, characterData: true });
      }),
    target.id,
  );
  await page.mouse.click(target.x, target.y);
  return answered;
}

/**
 * A fresh context with the probes. tsx (esbuild, keepNames) wraps named functions of the functions
 * sent to the page in `__name(...)`, which the page lacks: an identity stands in.
 */
async function benchContext(browser: Browser) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  await context.addInitScript("globalThis.__name ??= (f) => f;");
  await context.addInitScript(installProbes);
  return context;
}

export async function editorBench(
  options: { modules?: number; opens?: number } = {},
): Promise<EditorBenchResult> {
  const modules = options.modules ?? 1000;
  if (!existsSync(join(repoRoot, "dist", "client", "index.html")))
    throw new Error("bench: the editor is not built (dist/client): run `npm run build` first");
  const doc = editorBenchWorkflow(modules);
  const server = await startServerProcess();
  let browser: Browser | undefined;
  try {
    const put = await fetch(`${server.url}/api/workflows/${doc.name}`, {
      method: "PUT",
      headers: { ...server.authHeaders, "content-type": "application/json" },
      body: JSON.stringify(doc),
    });
    if (!put.ok) throw new Error(`bench: saving the workflow failed: ${put.status} ${await put.text()}`);
    browser = await launchBrowser();
    // Every fresh context trades the token for its cookie, as a person opening the printed URL does.
    const url = `${server.url}/?workflow=${doc.name}&token=${server.token}`;

    const open: EditorOpenFigures[] = [];
    for (let i = 0; i < (options.opens ?? 5); i++) {
      const context = await benchContext(browser);
      const page = await context.newPage();
      await page.goto(url, { timeout: TIMEOUT_MS });
      open.push(await measureOpen(page, modules));
      await context.close();
    }

    // One more context for reload, click and panning.
    const context = await benchContext(browser);
    const page = await context.newPage();
    await page.goto(url, { timeout: TIMEOUT_MS });
    await measureOpen(page, modules);
    await page.reload({ timeout: TIMEOUT_MS });
    const reload = await measureOpen(page, modules);
    const clickToInspectorMs = await clickToInspector(page);
    await page.keyboard.press("Escape");
    const idle = await idleFps(page);
    const spot = await emptyPoint(page);
    const pans = [
      await medianPan(PAN_RUNS, () => panInPage(page, spot)),
      await medianPan(PAN_RUNS, () => panWithMouse(page, spot)),
    ];
    await context.close();
    return {
      modules: doc.modules.length,
      connections: doc.connections?.length ?? 0,
      viewport: VIEWPORT,
      open,
      reload,
      clickToInspectorMs,
      idleFps: idle,
      pans,
    };
  } finally {
    await browser?.close();
    await server.stop();
  }
}

/** The figures as `npm run bench` prints them. */
export function editorBenchReport(e: EditorBenchResult): string[] {
  const fmt = (n: number, digits = 1) => n.toFixed(digits).padStart(9);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  const all = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(", ");
  const rendered = e.open.map((o) => o.renderedMs);
  const interactive = e.open.map((o) => o.interactiveMs);
  const first = e.open[0];
  return [
    `\neditor in Chromium, ${e.modules}-module workflow (${e.connections} connections), ${e.viewport.width}x${e.viewport.height}:`,
    `  navigation to rendered (new tab)          ${fmt(median(rendered))} ms median (${all(rendered)})`,
    `  navigation to interactive (new tab)       ${fmt(median(interactive))} ms median (${all(interactive)})`,
    `  modules rendered (in view, virtualised)   ${fmt(first?.nodesRendered ?? 0, 0)}    (${first?.nodesLater ?? 0} once quiet; ${first?.longTasks ?? 0} long tasks before)`,
    `  reload to rendered / interactive          ${fmt(e.reload.renderedMs)} / ${e.reload.interactiveMs.toFixed(1)} ms`,
    `  click on a module to inspector shown      ${fmt(e.clickToInspectorMs)} ms`,
    `  frame rate idle (the ceiling)             ${fmt(e.idleFps)} fps`,
    ...e.pans.map(
      (p) =>
        `  pan, ${p.method.padEnd(35)} ${fmt(p.fps)} fps median of ${all(p.allFps)} (${p.frames} frames moved the view, longest gap ${p.worstFrameMs.toFixed(0)} ms, ${p.slowFrames} gaps over 25 ms, up to ${p.pannedPx.toFixed(0)} px away${p.movesPerSecond === undefined ? "" : `; ${p.movesPerSecond.toFixed(0)} moves/s delivered`})`,
    ),
  ];
}
