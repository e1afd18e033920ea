import { describe, expect, it } from "vitest";
import {
  portNameMayOverflow,
  subLineMayOverflow,
  titleMayOverflow,
} from "../../../client/editor/canvas/node-text-fit.js";

describe("which texts of a module node get clipped with an ellipsis", () => {
  it("leaves the usual short title, id and type, and port names unclipped", () => {
    expect(titleMayOverflow("Expression", false, false)).toBe(false);
    expect(subLineMayOverflow("r12c20", "basic.Expression")).toBe(false);
    expect(portNameMayOverflow("value", "number")).toBe(false);
  });

  it("clips what may be too long for the node", () => {
    expect(titleMayOverflow("Acquire the temperature ramp of sample A", false, false)).toBe(true);
    expect(subLineMayOverflow("set_temperature_1", "instruments.SetAttribute")).toBe(true);
    expect(portNameMayOverflow("a_rather_long_port_name", "number")).toBe(true);
  });

  it("leaves less room for the title beside a run badge", () => {
    expect(titleMayOverflow("Temperature ramp", false, false)).toBe(false);
    expect(titleMayOverflow("Temperature ramp", true, true)).toBe(true);
  });
});
