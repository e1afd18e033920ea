import type { CheckIntervalSetting as CheckInterval } from "../../server/schema/api.js";
/** The check intervals people pick from (global and per job), and how they are named. Pure. */

export const INTERVAL_PRESETS: { ms: number; label: string }[] = [
  { ms: 1_000, label: "1 s" },
  { ms: 10_000, label: "10 s" },
  { ms: 60_000, label: "1 min" },
  { ms: 600_000, label: "10 min" },
  { ms: 3_600_000, label: "1 h" },
];

/** The server's bounds (server/schema/api.ts): 100 ms to 7 days. */
export const MIN_INTERVAL_MS = 100;
export const MAX_INTERVAL_MS = 7 * 24 * 3_600_000;

export function intervalLabel(interval: CheckInterval | null): string {
  if (interval === null) return "default";
  if (interval === "off") return "Off";
  if (interval === "module-default") return "Module default";
  const preset = INTERVAL_PRESETS.find((p) => p.ms === interval);
  if (preset) return preset.label;
  return `${interval / 1_000} s`;
}

/** The select's value for an interval: a preset's ms, `off`, `module-default`, or `custom`. */
export function intervalChoice(interval: CheckInterval | null): string {
  if (interval === null) return "default";
  if (typeof interval === "number")
    return INTERVAL_PRESETS.some((p) => p.ms === interval) ? String(interval) : "custom";
  return interval;
}

/**
 * Reads a custom interval typed in seconds ("2.5"); undefined with a reason when it is not one the
 * server takes.
 */
export function parseSeconds(text: string): { ms: number } | { error: string } {
  const seconds = Number(text.trim());
  if (text.trim() === "" || !Number.isFinite(seconds)) return { error: "type a number of seconds" };
  const ms = Math.round(seconds * 1_000);
  if (ms < MIN_INTERVAL_MS) return { error: "at least 0.1 s" };
  if (ms > MAX_INTERVAL_MS) return { error: "at most 7 days (604800 s)" };
  return { ms };
}
