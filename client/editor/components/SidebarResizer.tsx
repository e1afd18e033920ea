/** The left edge of the sidebar: drag it (or focus it and press the arrow keys) to widen the sidebar. */
import type { KeyboardEvent, PointerEvent } from "react";

const STEP = 40;

interface SidebarResizerProps {
  width: number | undefined;
  onWidth(width: number): void;
}

export function SidebarResizer({ width, onWidth }: SidebarResizerProps) {
  const current = (handle: HTMLElement) =>
    width ?? handle.parentElement?.getBoundingClientRect().width ?? 320;
  const onPointerDown = (e: PointerEvent<HTMLHRElement>) => {
    const handle = e.currentTarget;
    const startX = e.clientX;
    const startWidth = current(handle);
    handle.setPointerCapture(e.pointerId);
    const move = (ev: globalThis.PointerEvent) => onWidth(startWidth + (startX - ev.clientX));
    const up = () => {
      handle.removeEventListener("pointermove", move);
      handle.removeEventListener("pointerup", up);
      handle.removeEventListener("pointercancel", up);
    };
    handle.addEventListener("pointermove", move);
    handle.addEventListener("pointerup", up);
    handle.addEventListener("pointercancel", up);
    e.preventDefault();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLHRElement>) => {
    if (e.key === "ArrowLeft") onWidth(current(e.currentTarget) + STEP);
    else if (e.key === "ArrowRight") onWidth(current(e.currentTarget) - STEP);
    else return;
    e.preventDefault();
  };
  return (
    <hr
      className="lf-sidebar-resizer"
      aria-orientation="vertical"
      aria-label="Resize the sidebar"
      aria-valuenow={width}
      tabIndex={0}
      title="Drag to widen the sidebar (or focus and press ← →)"
      onPointerDown={onPointerDown}
      onKeyDown={onKeyDown}
    />
  );
}
