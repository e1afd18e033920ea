import { describe, expect, it } from "vitest";
import { parseDataLine } from "../../../server/devices/drivers/labflow-sim-driver.js";

describe("labflow-sim DATA lines", () => {
  it("reads time, temperature and setpoint", () => {
    expect(parseDataLine("DATA 2026-11-23T10:56:27.769Z 22.007 -30.000")).toEqual({
      t: "2026-11-23T10:56:27.769Z",
      temperature: 22.007,
      setpoint: -30,
    });
  });

  it.each([
    ["a time that is not a date", "DATA yesterday 22.0 30.0"],
    ["a temperature that is not a number", "DATA 2026-11-23T10:56:27.769Z NaN 30.0"],
    ["an infinite number", "DATA 2026-11-23T10:56:27.769Z 1e999 30.0"],
    ["a number with garbage", "DATA 2026-11-23T10:56:27.769Z 22.0x 30.0"],
    ["a missing field", "DATA 2026-11-23T10:56:27.769Z 22.0"],
    ["an empty field", "DATA 2026-11-23T10:56:27.769Z  30.0"],
    ["an extra field", "DATA 2026-11-23T10:56:27.769Z 22.0 30.0 7"],
    ["another header", "DATUM 2026-11-23T10:56:27.769Z 22.0 30.0"],
  ])("refuses %s", (_what, line) => {
    expect(parseDataLine(line)).toBeUndefined();
  });
});
