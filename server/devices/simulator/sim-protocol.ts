/**
 * The simulated instrument's SCPI-like line protocol (documented in docs/instruments.md,
 * "Simulated instrument"): one command per line, one reply line per command; streamed readings
 * (`DATA ...`) and the end of an acquisition (`DONE n`) are sent unasked.
 */
import { SIM_LIMITS } from "../drivers/labflow-sim-descriptor.js";
import type { SimInstrument, SimReading } from "./sim-instrument.js";

export const SIM_MODEL = "SIM-TC1";

export interface CommandOutcome {
  reply: string;
  /** What happened to the acquisition, for the simulator's log. */
  acquisition?: "started" | "stopped";
}

/** `ERR <SCPI code> <message>` */
function error(code: number, message: string): CommandOutcome {
  return { reply: `ERR ${code} ${message}` };
}

export function formatReading(reading: SimReading): string {
  return `DATA ${new Date(reading.t).toISOString()} ${reading.temperature.toFixed(3)} ${reading.setpoint.toFixed(3)}`;
}

export function handleCommand(instrument: SimInstrument, name: string, line: string): CommandOutcome {
  const [rawHeader = "", ...args] = line.trim().split(/\s+/);
  const header = rawHeader.toUpperCase();
  const query = header.endsWith("?");
  if (query && args.length > 0) return error(-108, `${header} takes no parameter`);
  switch (header) {
    case "*IDN?":
      return { reply: `LABFLOW,${SIM_MODEL},${name},1.0` };
    case "*RST":
      return { reply: "OK", acquisition: instrument.stopAcquisition() ? "stopped" : undefined };
    case "TEMP?":
      return { reply: instrument.measure().toFixed(3) };
    case "SETP?":
      return { reply: instrument.setpoint.toFixed(3) };
    case "RATE?":
      return { reply: instrument.rampRate.toFixed(3) };
    case "SETP":
    case "RATE": {
      const limits = header === "SETP" ? SIM_LIMITS.setpoint : SIM_LIMITS.rampRate;
      const value = parseNumber(args, 0);
      if (typeof value === "string") return error(-109, `${header}: ${value}`);
      if (value < limits.min || value > limits.max)
        return error(-222, `${header}: ${value} is out of range [${limits.min}, ${limits.max}]`);
      if (header === "SETP") instrument.setSetpoint(value);
      else instrument.setRampRate(value);
      return { reply: "OK" };
    }
    case "ACQ:START": {
      if (instrument.acquisition) return error(-221, "ACQ:START: an acquisition is already running");
      const interval = parseNumber(args, 0);
      if (typeof interval === "string") return error(-109, `ACQ:START: interval (ms) ${interval}`);
      const { min, max } = SIM_LIMITS.intervalMs;
      if (!Number.isInteger(interval) || interval < min || interval > max)
        return error(-222, `ACQ:START: interval ${interval} ms is not an integer in [${min}, ${max}]`);
      let count: number | undefined;
      if (args.length > 1) {
        const parsed = parseNumber(args, 1);
        if (typeof parsed === "string" || !Number.isInteger(parsed) || parsed < 1)
          return error(-222, `ACQ:START: count must be a positive integer`);
        count = parsed;
      }
      if (args.length > 2) return error(-108, "ACQ:START takes at most 2 parameters");
      instrument.startAcquisition(interval, count);
      return { reply: "OK", acquisition: "started" };
    }
    case "ACQ:STOP":
      return { reply: "OK", acquisition: instrument.stopAcquisition() ? "stopped" : undefined };
    case "ACQ?": {
      const acq = instrument.acquisition;
      return {
        reply: acq ? `RUNNING ${acq.intervalMs} ${acq.taken}` : `STOPPED ${instrument.lastCount}`,
      };
    }
    case "":
      return error(-100, "empty command");
    default:
      return error(-113, `undefined header "${rawHeader}"`);
  }
}

function parseNumber(args: string[], index: number): number | string {
  const text = args[index];
  if (text === undefined) return "missing parameter";
  const value = Number(text);
  return Number.isFinite(value) ? value : `"${text}" is not a number`;
}
