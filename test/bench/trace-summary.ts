/**
 * Where the renderer's time goes, from a Chromium performance trace (the DevTools timeline
 * categories): the self time of every event on the page's main thread, grouped as DevTools
 * groups it (script, style, layout, paint and compositing, GC, other work in tasks), plus the
 * raster work on other threads. Figures are ms per second of the traced interval, of the thread's
 * own CPU time (`tdur`): on a shared machine wall time also counts the time the thread waited for
 * a core, or for the compositor thread (a Commit blocks the main thread until it is done). The
 * wall-clock total is given beside.
 */
import type { Browser, Page } from "playwright-core";

export const TRACE_CATEGORIES = [
  "devtools.timeline",
  "disabled-by-default-devtools.timeline",
  "disabled-by-default-devtools.timeline.frame",
  "v8",
];

const GROUPS: Record<string, string> = {
  FunctionCall: "script",
  EvaluateScript: "script",
  EventDispatch: "script",
  TimerFire: "script",
  FireAnimationFrame: "script",
  RunMicrotasks: "script",
  "v8.compile": "script",
  "v8.execute": "script",
  V8Execute: "script",
  UpdateLayoutTree: "style",
  RecalculateStyles: "style",
  ParseAuthorStyleSheet: "style",
  Layout: "layout",
  PrePaint: "paint+composite",
  Paint: "paint+composite",
  PaintImage: "paint+composite",
  Layerize: "paint+composite",
  UpdateLayer: "paint+composite",
  UpdateLayerTree: "paint+composite",
  Commit: "paint+composite",
  CompositeLayers: "paint+composite",
  MajorGC: "gc",
  MinorGC: "gc",
  "V8.GC_SCAVENGER": "gc",
  "V8.GC_MARK_COMPACTOR": "gc",
};

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

export interface TraceSummary {
  seconds: number;
  /** CPU ms per second on the main thread, by group. */
  mainMsPerSecond: Record<string, number>;
  /** Wall-clock ms per second the main thread was in a task. */
  mainWallMsPerSecond: number;
  /** ms per second of raster tasks on all other threads. */
  rasterMsPerSecond: number;
  /** The main thread's costliest events by self time, ms per second. */
  top: [string, number][];
  /** CPU ms per second of the busiest threads (all processes), by thread name. */
  threads: [string, number][];
}

/** CPU time per thread name: the top-level events' `tdur` (nested ones are inside them). */
function threadCpu(events: readonly TraceEvent[]): Map<string, number> {
  const names = new Map<string, string>();
  for (const e of events)
    if (e.ph === "M" && e.name === "thread_name") names.set(`${e.pid}:${e.tid}`, e.args?.name ?? "?");
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) {
    if (e.ph !== "X" || !e.dur) continue;
    const key = `${e.pid}:${e.tid}`;
    byThread.set(key, [...(byThread.get(key) ?? []), e]);
  }
  const cpu = new Map<string, number>();
  for (const [key, list] of byThread) {
    list.sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
    let end = Number.NEGATIVE_INFINITY;
    let sum = 0;
    for (const e of list) {
      if (e.ts < end) continue; // nested in the one before
      end = e.ts + (e.dur ?? 0);
      sum += e.tdur ?? e.dur ?? 0;
    }
    const name = (names.get(key) ?? "?").replace(/\d+$/, "");
    cpu.set(name, (cpu.get(name) ?? 0) + sum);
  }
  return cpu;
}

export function summariseTrace(events: readonly TraceEvent[]): TraceSummary {
  const main = events.find(
    (e) => e.ph === "M" && e.name === "thread_name" && e.args?.name === "CrRendererMain",
  );
  const onMain = events
    .filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === "X" && (e.dur ?? 0) > 0)
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  // The traced interval: from the first event to the end of the last (metadata events have no time).
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const e of events) {
    if (e.ph === "M") continue;
    first = Math.min(first, e.ts);
    last = Math.max(last, e.ts + (e.dur ?? 0));
  }
  const seconds = last > first ? (last - first) / 1e6 : 0;
  const self = new Map<string, number>();
  const byName = new Map<string, number>();
  const stack: { end: number; group: string; name: string; self: number }[] = [];
  let wall = 0;
  const close = (until: number) => {
    while (stack.length && (stack.at(-1)?.end ?? 0) <= until) {
      const done = stack.pop() as { group: string; name: string; self: number };
      self.set(done.group, (self.get(done.group) ?? 0) + done.self);
      byName.set(done.name, (byName.get(done.name) ?? 0) + done.self);
    }
  };
  for (const e of onMain) {
    close(e.ts);
    const parent = stack.at(-1);
    const cpu = e.tdur ?? e.dur ?? 0;
    if (parent) parent.self -= cpu;
    else wall += e.dur ?? 0;
    const group = GROUPS[e.name] ?? parent?.group ?? "other (in tasks)";
    stack.push({ end: e.ts + (e.dur ?? 0), group, name: e.name, self: cpu });
  }
  close(Number.POSITIVE_INFINITY);
  const raster = events
    .filter((e) => e.ph === "X" && e.name === "RasterTask" && !(main && e.tid === main.tid))
    .reduce((sum, e) => sum + (e.tdur ?? e.dur ?? 0), 0);
  const perSecond = (us: number) => (seconds > 0 ? us / 1000 / seconds : 0);
  return {
    seconds,
    mainWallMsPerSecond: perSecond(wall),
    mainMsPerSecond: Object.fromEntries([...self].map(([g, us]) => [g, perSecond(us)])),
    rasterMsPerSecond: perSecond(raster),
    top: [...byName]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([name, us]) => [name, perSecond(us)]),
    threads: [...threadCpu(events)]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([name, us]) => [name, perSecond(us)]),
  };
}

/** Traces `during` in `page` and summarises it. */
export async function traced(browser: Browser, page: Page, during: () => Promise<unknown>) {
  await browser.startTracing(page, { categories: TRACE_CATEGORIES });
  await during();
  const buffer = await browser.stopTracing();
  const json = JSON.parse(buffer.toString("utf8")) as { traceEvents: TraceEvent[] } | TraceEvent[];
  return summariseTrace(Array.isArray(json) ? json : json.traceEvents);
}

export function traceLine(t: TraceSummary): string {
  const parts = Object.entries(t.mainMsPerSecond)
    .sort((a, b) => b[1] - a[1])
    .map(([g, ms]) => `${g} ${ms.toFixed(0)}`);
  const top = t.top.map(([name, ms]) => `${name} ${ms.toFixed(0)}`).join(", ");
  const threads = t.threads.map(([name, ms]) => `${name} ${ms.toFixed(0)}`).join(", ");
  return `threads CPU ms/s: ${threads}; main thread CPU ms/s: ${parts.join(", ")} (in tasks ${t.mainWallMsPerSecond.toFixed(0)} ms/s wall); raster (other threads) ${t.rasterMsPerSecond.toFixed(0)} ms/s over ${t.seconds.toFixed(1)} s; top events CPU ms/s: ${top}`;
}
