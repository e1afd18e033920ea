/**
 * Frame rates of the editor's canvas while the view moves (pan) or zooms, measured in the page.
 * The page records every animation frame and whether the view's transform changed since the one
 * before; fps = frames that showed the view moved / seconds. Two ways to drive the motion:
 * - in-page: requestAnimationFrame drives it, one synthetic mousemove (pan) or wheel (zoom) per
 *   frame, as Chromium delivers real input aligned to frames;
 * - Playwright (CDP Input.dispatchMouseEvent): real input events every ~8 ms; each one waits for
 *   the page to take it, so on a busy machine fewer arrive than frames could show (the events
 *   delivered per second are reported: the frame rate cannot exceed them).
 * Pan: a drag on the empty background right and down at 360 px/s (a brisk drag by hand) for half
 * the time, then back. Zoom: wheel steps around the pane's centre, zooming in to twice the start
 * zoom over half the time, then back out.
 */
import type { Page } from "playwright-core";

const TIMEOUT_MS = 60_000;
export const MOTION_MS = 3000;
/** 360 px/s: a brisk drag by hand. */
const PAN_PX_PER_MS = 0.36;
/** d3-zoom's wheel: zoom *= 2 ** (-deltaY * 0.002) for pixel deltas. */
const WHEEL_LOG2_PER_DELTA = 0.002;

export interface MotionFigures extends Record<string, number> {
  fps: number;
  frames: number;
  worstFrameMs: number;
  /** Gaps between frames that moved the view longer than 25 ms (1.5 frames at 60 Hz). */
  slowFrames: number;
  /** Pan: how far the view moved at most; zoom: the largest zoom reached over the first. */
  reach: number;
  /** Playwright only: input events delivered per second (NaN in-page). */
  eventsPerSecond: number;
}

interface RecordedFrames {
  stamps: number[];
  movedStamps: number[];
  maxShiftPx: number;
  zoomFrom: number;
  zoomMax: number;
}

type Drive =
  | { kind: "pan"; x: number; y: number; ms: number; pxPerMs: number }
  | { kind: "zoom"; x: number; y: number; ms: number; log2PerDelta: number };

/**
 * In the page: records every animation frame's time and the view's transform until stopped. With
 * `drive`, each frame also sends the input that brings the view to where the path is at that time.
 */
function recordFrames(drive: Drive | undefined): void {
  const viewport = document.querySelector(".react-flow__viewport") as HTMLElement;
  const pane = document.querySelector(".react-flow__pane") as Element;
  const parse = (t: string) => {
    const m = /translate\(([-\d.e]+)px,\s*([-\d.e]+)px\)\s*scale\(([-\d.e]+)\)/.exec(t);
    return m ? { x: Number(m[1]), y: Number(m[2]), k: Number(m[3]) } : { x: 0, y: 0, k: 1 };
  };
  const from = parse(viewport.style.transform);
  const state = {
    stamps: [] as number[],
    movedStamps: [] as number[],
    maxShiftPx: 0,
    zoomFrom: from.k,
    zoomMax: from.k,
    stop: false,
  };
  let last = viewport.style.transform;
  (window as unknown as { __frames: typeof state }).__frames = state;
  const mouse = (type: string, x: number, y: number, buttons: number) =>
    pane.dispatchEvent(
      new MouseEvent(type, { clientX: x, clientY: y, button: 0, buttons, bubbles: true, view: window }),
    );
  if (drive?.kind === "pan") mouse("mousedown", drive.x, drive.y, 1);
  const tick = (t: number) => {
    state.stamps.push(t);
    const now = parse(viewport.style.transform);
    if (viewport.style.transform !== last) state.movedStamps.push(t);
    last = viewport.style.transform;
    state.maxShiftPx = Math.max(state.maxShiftPx, Math.hypot(now.x - from.x, now.y - from.y));
    state.zoomMax = Math.max(state.zoomMax, now.k);
    const elapsed = t - (state.stamps[0] ?? t);
    if (drive) {
      // There and back: half the time out, then back to the start.
      const out = Math.min(elapsed, Math.max(0, drive.ms - elapsed)) / (drive.ms / 2);
      if (drive.kind === "pan") {
        const d = drive.pxPerMs * out * (drive.ms / 2);
        mouse("mousemove", drive.x + d, drive.y + d / 3, 1);
      } else {
        const deltaY = -Math.log2((from.k * 2 ** out) / now.k) / drive.log2PerDelta;
        if (Math.abs(deltaY) > 0.01)
          pane.dispatchEvent(
            new WheelEvent("wheel", {
              clientX: drive.x,
              clientY: drive.y,
              deltaY,
              deltaMode: 0,
              bubbles: true,
              cancelable: true,
              view: window,
            }),
          );
      }
      if (elapsed >= drive.ms) {
        if (drive.kind === "pan") mouse("mouseup", drive.x, drive.y, 0);
        state.stop = true;
      }
    }
    if (!state.stop) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

async function stopRecording(page: Page): Promise<RecordedFrames> {
  return page.evaluate(() => {
    const f = (window as unknown as { __frames: RecordedFrames & { stop: boolean } }).__frames;
    f.stop = true;
    const { stamps, movedStamps, maxShiftPx, zoomFrom, zoomMax } = f;
    return { stamps, movedStamps, maxShiftPx, zoomFrom, zoomMax };
  });
}

/** Frame statistics: the frames that showed the view moved (or, `countAll`, every frame). */
function figures(frames: RecordedFrames, kind: "pan" | "zoom", countAll = false): MotionFigures {
  const shown = countAll ? frames.stamps : frames.movedStamps;
  const gaps = shown.slice(1).map((t, i) => t - (shown[i] ?? t));
  const seconds = ((frames.stamps.at(-1) ?? 0) - (frames.stamps[0] ?? 0)) / 1000;
  return {
    fps: seconds > 0 ? shown.length / seconds : 0,
    frames: shown.length,
    worstFrameMs: Math.max(0, ...gaps),
    slowFrames: gaps.filter((d) => d > 25).length,
    reach: kind === "pan" ? frames.maxShiftPx : frames.zoomMax / frames.zoomFrom,
    eventsPerSecond: Number.NaN,
  };
}

/** Every frame for a second, nothing moving: the ceiling of the frame rate. */
export async function idleFps(page: Page): Promise<number> {
  await page.evaluate(recordFrames, undefined);
  await new Promise((r) => setTimeout(r, 1000));
  return figures(await stopRecording(page), "pan", true).fps;
}

/** The pane's centre, where zooming is centred. */
export async function paneCentre(page: Page): Promise<{ x: number; y: number }> {
  const box = await page.locator(".react-flow__pane").boundingBox();
  if (!box) throw new Error("bench: no canvas pane");
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** One pan (kind "pan", from `at`) or zoom (centred on `at`) driven in the page. */
export async function moveInPage(
  page: Page,
  kind: "pan" | "zoom",
  at: { x: number; y: number },
): Promise<MotionFigures> {
  const drive: Drive =
    kind === "pan"
      ? { kind, ...at, ms: MOTION_MS, pxPerMs: PAN_PX_PER_MS }
      : { kind, ...at, ms: MOTION_MS, log2PerDelta: WHEEL_LOG2_PER_DELTA };
  await page.evaluate(recordFrames, drive);
  await page.waitForFunction(
    () => (window as unknown as { __frames: { stop: boolean } }).__frames.stop,
    null,
    {
      timeout: TIMEOUT_MS,
      polling: 100,
    },
  );
  return figures(await stopRecording(page), kind);
}

/** The same motion with real input through Playwright (CDP), an event every ~8 ms. */
export async function moveWithMouse(
  page: Page,
  kind: "pan" | "zoom",
  at: { x: number; y: number },
): Promise<MotionFigures> {
  await page.mouse.move(at.x, at.y);
  await page.evaluate(recordFrames, undefined);
  if (kind === "pan") await page.mouse.down();
  const began = Date.now();
  let events = 0;
  let log2Zoom = 0;
  for (let elapsed = 0; elapsed < MOTION_MS; elapsed = Date.now() - began) {
    const out = Math.min(elapsed, MOTION_MS - elapsed) / (MOTION_MS / 2);
    if (kind === "pan") {
      const d = PAN_PX_PER_MS * out * (MOTION_MS / 2);
      await page.mouse.move(at.x + d, at.y + d / 3);
    } else {
      const deltaY = -(out - log2Zoom) / WHEEL_LOG2_PER_DELTA;
      await page.mouse.wheel(0, deltaY);
      log2Zoom = out;
    }
    events++;
    await new Promise((r) => setTimeout(r, 8));
  }
  const eventsPerSecond = events / ((Date.now() - began) / 1000);
  if (kind === "pan") {
    await page.mouse.move(at.x, at.y);
    await page.mouse.up();
  } else await page.mouse.wheel(0, log2Zoom / WHEEL_LOG2_PER_DELTA);
  return { ...figures(await stopRecording(page), kind), eventsPerSecond };
}
