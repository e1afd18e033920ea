/**
 * The width of the right-hand sidebar (the inspector), chosen by dragging its edge and kept in
 * localStorage. It never grows so far that the canvas gets narrower than MIN_CANVAS.
 */
import { useCallback, useEffect, useState } from "react";

const KEY = "labflow-sidebar-width";
export const MIN_SIDEBAR = 260;
/** The palette (and the Jobs panel beside the canvas) plus the narrowest useful canvas. */
const MIN_CANVAS = 360;
const PALETTE = 220;

/** The widest the sidebar may be in a window this wide, with `beside` px of other panels. */
export function maxSidebarWidth(windowWidth: number, beside: number): number {
  return Math.max(MIN_SIDEBAR, windowWidth - PALETTE - beside - MIN_CANVAS);
}

export function clampSidebarWidth(width: number, windowWidth: number, beside: number): number {
  return Math.round(Math.min(Math.max(width, MIN_SIDEBAR), maxSidebarWidth(windowWidth, beside)));
}

function stored(): number | undefined {
  try {
    const value = Number(localStorage.getItem(KEY));
    return Number.isFinite(value) && value > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The chosen width (undefined: the stylesheet's default) and a setter that clamps and keeps it. */
export function useSidebarWidth(beside: number): [number | undefined, (width: number) => void] {
  const [width, setWidth] = useState<number | undefined>(stored);
  const set = useCallback(
    (next: number) => {
      const clamped = clampSidebarWidth(next, window.innerWidth, beside);
      setWidth(clamped);
      try {
        localStorage.setItem(KEY, String(clamped));
      } catch {
        // storage refused (private mode): the width lasts for this page only
      }
    },
    [beside],
  );
  // A smaller window (or the Jobs panel opening) must not squeeze the canvas out.
  const chosen = width !== undefined;
  useEffect(() => {
    if (!chosen) return;
    const refit = () =>
      setWidth((w) => (w === undefined ? w : clampSidebarWidth(w, window.innerWidth, beside)));
    refit();
    window.addEventListener("resize", refit);
    return () => window.removeEventListener("resize", refit);
  }, [chosen, beside]);
  return [width, set];
}
