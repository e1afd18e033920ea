/** The keyboard shortcuts: one table, used by the key handler and listed by the help dialog. */

export type ShortcutAction =
  | "undo"
  | "redo"
  | "copy"
  | "cut"
  | "paste"
  | "selectAll"
  | "delete"
  | "save"
  | "run"
  | "fitView"
  | "find"
  | "autoLayout"
  | "group"
  | "help"
  | "deselect";

export interface Shortcut {
  action: ShortcutAction;
  keys: string[];
  description: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { action: "undo", keys: ["Ctrl+Z"], description: "Undo" },
  { action: "redo", keys: ["Ctrl+Shift+Z", "Ctrl+Y"], description: "Redo" },
  { action: "copy", keys: ["Ctrl+C"], description: "Copy the selected modules" },
  { action: "cut", keys: ["Ctrl+X"], description: "Cut the selected modules" },
  { action: "paste", keys: ["Ctrl+V"], description: "Paste (new ids, inner connections kept)" },
  { action: "selectAll", keys: ["Ctrl+A"], description: "Select all modules and connections" },
  {
    action: "delete",
    keys: ["Delete", "Backspace"],
    description: "Delete the selection (and attached connections)",
  },
  { action: "save", keys: ["Ctrl+S"], description: "Save to the server" },
  { action: "run", keys: ["Ctrl+Enter"], description: "Run the workflow" },
  { action: "fitView", keys: ["F"], description: "Fit the whole workflow in view" },
  { action: "find", keys: ["Ctrl+F"], description: "Find a module by id, label or type and frame it" },
  {
    action: "autoLayout",
    keys: ["L"],
    description: "Auto-layout the selected modules (all of them when none is selected)",
  },
  { action: "group", keys: ["Ctrl+G"], description: "Group the selected modules" },
  { action: "help", keys: ["?"], description: "Show this help" },
  { action: "deselect", keys: ["Escape"], description: "Clear the selection" },
];

export interface KeyInput {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** The action a key press stands for (Cmd counts as Ctrl on a Mac), or undefined. */
export function shortcutFor(e: KeyInput): ShortcutAction | undefined {
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (e.altKey) return undefined;
  if (mod) {
    if (key === "z") return e.shiftKey ? "redo" : "undo";
    if (key === "y") return "redo";
    if (key === "c" && !e.shiftKey) return "copy";
    if (key === "x" && !e.shiftKey) return "cut";
    if (key === "v" && !e.shiftKey) return "paste";
    if (key === "a" && !e.shiftKey) return "selectAll";
    if (key === "s" && !e.shiftKey) return "save";
    if (key === "Enter") return "run";
    if (key === "f" && !e.shiftKey) return "find";
    if (key === "g" && !e.shiftKey) return "group";
    return undefined;
  }
  if (key === "Delete" || key === "Backspace") return "delete";
  if (key === "?") return "help";
  if (key === "f" && !e.shiftKey) return "fitView";
  if (key === "l" && !e.shiftKey) return "autoLayout";
  if (key === "Escape") return "deselect";
  return undefined;
}
