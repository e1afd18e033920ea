/**
 * The context menu of a module (right-click): Duplicate and Delete act on the selection, which
 * the right-click made include the module; Auto-layout lays out the selection and Group groups it. Closes on Escape, on a choice or a click elsewhere.
 */
import { useEffect, useRef } from "react";

export interface ModuleMenuAt {
  x: number;
  y: number;
  moduleId: string;
}

interface ModuleMenuProps {
  at: ModuleMenuAt;
  onDuplicate: () => void;
  onDelete: () => void;
  onAutoLayout: () => void;
  onGroup: () => void;
  onClose: () => void;
}

export function ModuleMenu({ at, onDuplicate, onDelete, onAutoLayout, onGroup, onClose }: ModuleMenuProps) {
  const menu = useRef<HTMLDivElement>(null);
  useEffect(() => {
    menu.current?.querySelector("button")?.focus();
    const away = (e: PointerEvent) => {
      if (!menu.current?.contains(e.target as Node)) onClose();
    };
    const onEscape = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      e.preventDefault();
      onClose();
    };
    window.addEventListener("pointerdown", away, true);
    window.addEventListener("keydown", onEscape, true);
    return () => {
      window.removeEventListener("pointerdown", away, true);
      window.removeEventListener("keydown", onEscape, true);
    };
  }, [onClose]);
  const choose = (action: () => void) => () => {
    action();
    onClose();
  };
  return (
    <div
      ref={menu}
      className="lf-menu"
      role="menu"
      aria-label={`Module ${at.moduleId}`}
      style={{ left: at.x, top: at.y }}
    >
      <button type="button" role="menuitem" onClick={choose(onDuplicate)}>
        Duplicate
      </button>
      <button type="button" role="menuitem" onClick={choose(onDelete)}>
        Delete
      </button>
      <button type="button" role="menuitem" onClick={choose(onAutoLayout)}>
        Auto-layout
      </button>
      <button type="button" role="menuitem" onClick={choose(onGroup)}>
        Group
      </button>
    </div>
  );
}
