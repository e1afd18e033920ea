/**
 * Binds the shortcut table to the window. Keys typed into a field, or while a dialog is open, are
 * left to the browser (so Ctrl+Z in a text field undoes typing, not the graph).
 */
import { useEffect, useRef } from "react";
import { type ShortcutAction, shortcutFor } from "../core/shortcuts.js";

const isTyping = (target: EventTarget | null): boolean => {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement)
    return !["button", "checkbox", "radio", "submit", "reset", "file"].includes(target.type);
  return false;
};

export function useShortcuts(handlers: Partial<Record<ShortcutAction, () => void>>): void {
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || document.querySelector("dialog[open]")) return;
      const action = shortcutFor(event);
      // Save and Run are no text-editing keys: they act from inside a field too.
      if (isTyping(event.target) && action !== "save" && action !== "run") return;
      // Copying text selected on the page stays the browser's job.
      if ((action === "copy" || action === "cut") && window.getSelection()?.isCollapsed === false) return;
      const handler = action ? latest.current[action] : undefined;
      if (!handler) return;
      event.preventDefault();
      handler();
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);
}
