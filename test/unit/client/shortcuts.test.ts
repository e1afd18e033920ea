import { describe, expect, it } from "vitest";
import { type KeyInput, SHORTCUTS, shortcutFor } from "../../../client/editor/core/shortcuts.js";

const key = (k: string, mods: Partial<KeyInput> = {}): KeyInput => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

describe("keyboard shortcuts", () => {
  it("maps Ctrl+Z to undo and Ctrl+Shift+Z to redo, with Cmd as Ctrl", () => {
    expect(shortcutFor(key("z", { ctrlKey: true }))).toBe("undo");
    expect(shortcutFor(key("Z", { ctrlKey: true, shiftKey: true }))).toBe("redo");
    expect(shortcutFor(key("z", { metaKey: true }))).toBe("undo");
  });

  it("maps copy, paste, select-all, delete and help", () => {
    expect(shortcutFor(key("c", { ctrlKey: true }))).toBe("copy");
    expect(shortcutFor(key("v", { ctrlKey: true }))).toBe("paste");
    expect(shortcutFor(key("a", { ctrlKey: true }))).toBe("selectAll");
    expect(shortcutFor(key("Delete"))).toBe("delete");
    expect(shortcutFor(key("?", { shiftKey: true }))).toBe("help");
  });

  it("maps Ctrl+F to find and a plain F to fit view", () => {
    expect(shortcutFor(key("f", { ctrlKey: true }))).toBe("find");
    expect(shortcutFor(key("f"))).toBe("fitView");
  });

  it("lists every action in the help table", () => {
    const listed = new Set(SHORTCUTS.map((s) => s.action));
    for (const action of [
      "undo",
      "redo",
      "copy",
      "paste",
      "selectAll",
      "delete",
      "help",
      "find",
      "fitView",
    ] as const)
      expect(listed.has(action)).toBe(true);
  });
});
