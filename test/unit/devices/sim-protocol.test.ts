import { describe, expect, it } from "vitest";
import { SimInstrument } from "../../../server/devices/simulator/sim-instrument.js";
import { formatReading, handleCommand } from "../../../server/devices/simulator/sim-protocol.js";

function simulator() {
  let now = Date.parse("2026-01-01T00:00:00.000Z");
  const instrument = new SimInstrument(
    () => now,
    () => 0.5,
  );
  const send = (line: string) => handleCommand(instrument, "sim-1", line).reply;
  return { instrument, send, advance: (ms: number) => (now += ms) };
}

describe("simulated instrument protocol", () => {
  it("identifies itself", () => {
    expect(simulator().send("*IDN?")).toBe("LABFLOW,SIM-TC1,sim-1,1.0");
  });

  it("answers every bad command with an error line", () => {
    const { send } = simulator();
    expect(send("FOO")).toBe('ERR -113 undefined header "FOO"');
    expect(send("SETP")).toBe("ERR -109 SETP: missing parameter");
    expect(send("SETP hot")).toBe('ERR -109 SETP: "hot" is not a number');
    expect(send("SETP 900")).toBe("ERR -222 SETP: 900 is out of range [-50, 400]");
    expect(send("TEMP? 3")).toBe("ERR -108 TEMP? takes no parameter");
    expect(send("ACQ:START 0")).toMatch(/^ERR -222/);
  });

  it("ramps the temperature towards the setpoint at the ramp rate", () => {
    const { send, advance } = simulator();
    const start = Number(send("TEMP?"));
    expect(send("RATE 60")).toBe("OK");
    expect(send("SETP 100")).toBe("OK");
    advance(30_000);
    expect(Number(send("TEMP?"))).toBeCloseTo(start + 30, 1);
    advance(600_000);
    expect(Number(send("TEMP?"))).toBeCloseTo(100, 1);
  });

  it("streams readings at the interval with exact, monotonic timestamps, and stops after the count", () => {
    const { instrument, send, advance } = simulator();
    expect(send("ACQ:START 100 5")).toBe("OK");
    expect(send("ACQ:START 100")).toMatch(/^ERR -221/);
    advance(250);
    const first = instrument.takeDueReadings().map(formatReading);
    expect(first.map((line) => line.split(" ").slice(0, 2).join(" "))).toEqual([
      "DATA 2026-01-01T00:00:00.000Z",
      "DATA 2026-01-01T00:00:00.100Z",
      "DATA 2026-01-01T00:00:00.200Z",
    ]);
    // temperature (with noise) and setpoint, in °C
    expect(first[0]).toMatch(/^DATA \S+ 2\d\.\d{3} 22\.000$/);
    expect(send("ACQ?")).toBe("RUNNING 100 3");
    advance(10_000);
    expect(instrument.takeDueReadings()).toHaveLength(2);
    expect(instrument.acquisitionDone).toBe(true);
  });

  it("stops on ACQ:STOP and reports it", () => {
    const { send, advance, instrument } = simulator();
    send("ACQ:START 10");
    advance(45);
    instrument.takeDueReadings();
    expect(handleCommand(instrument, "sim-1", "ACQ:STOP")).toEqual({ reply: "OK", acquisition: "stopped" });
    expect(send("ACQ?")).toBe("STOPPED 5");
  });
});
