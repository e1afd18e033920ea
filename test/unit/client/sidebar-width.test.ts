import { describe, expect, it } from "vitest";
import { clampSidebarWidth, MIN_SIDEBAR } from "../../../client/editor/hooks/useSidebarWidth.js";

describe("the sidebar's width", () => {
  it("keeps a chosen width that leaves the canvas its room", () => {
    expect(clampSidebarWidth(500, 1600, 0)).toBe(500);
  });

  it("never leaves the canvas narrower than 360 px beside the palette and the Jobs panel", () => {
    expect(clampSidebarWidth(2000, 1280, 0)).toBe(1280 - 220 - 360);
    expect(clampSidebarWidth(2000, 1280, 435)).toBe(1280 - 220 - 435 - 360);
  });

  it("is never narrower than its minimum, even in a small window", () => {
    expect(clampSidebarWidth(10, 1600, 0)).toBe(MIN_SIDEBAR);
    expect(clampSidebarWidth(400, 800, 435)).toBe(MIN_SIDEBAR);
  });
});
