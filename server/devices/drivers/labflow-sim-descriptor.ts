/**
 * What the `labflow-sim` driver (the simulated temperature controller) offers, known statically:
 * its techniques and attributes. The implementation is labflow-sim-driver.ts.
 */
import { z } from "zod";
import type { DriverDescriptor } from "../protocol/driver-api.js";

/**
 * The instrument's limits, known to both sides: the driver refuses a value outside them before
 * sending it, and the simulated instrument (server/devices/simulator) refuses it as the real one would.
 */
export const SIM_LIMITS = {
  setpoint: { min: -50, max: 400 },
  rampRate: { min: 0.1, max: 600 },
  intervalMs: { min: 1, max: 60_000 },
} as const;

export const labflowSimDescriptor: DriverDescriptor = {
  type: "labflow-sim",
  description:
    "The simulated temperature controller of `labflow simulate-instrument` (SCPI-like protocol over a serial port).",
  techniques: ["acquire", "ramp"],
  taskParams: {
    acquire: z.strictObject({}),
    ramp: z.strictObject({
      setpoint: z
        .number()
        .min(SIM_LIMITS.setpoint.min)
        .max(SIM_LIMITS.setpoint.max)
        .describe("the temperature to ramp to, °C"),
      rampRate: z
        .number()
        .min(SIM_LIMITS.rampRate.min)
        .max(SIM_LIMITS.rampRate.max)
        .optional()
        .describe("K/min (default: the instrument's current rate)"),
    }),
  },
  samplingMs: SIM_LIMITS.intervalMs,
  attributes: [
    { name: "temperature", type: "number", unit: "°C", rw: false },
    { name: "setpoint", type: "number", unit: "°C", rw: true, ...SIM_LIMITS.setpoint },
    { name: "rampRate", type: "number", unit: "K/min", rw: true, ...SIM_LIMITS.rampRate },
    { name: "acquiring", type: "boolean", rw: false },
    { name: "identity", type: "string", rw: false },
  ],
};

/** The quantities of each reading, in the order of the `DATA` line, with units. */
export const labflowSimColumns = [
  { name: "temperature", unit: "°C" },
  { name: "setpoint", unit: "°C" },
] as const;
