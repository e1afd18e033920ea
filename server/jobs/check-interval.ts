import type { ModuleRegistry } from "../../modules/sdk/registry.js";
import type { JobRecord } from "../engine/records.js";
import { MAX_INTERVAL_MS, MIN_INTERVAL_MS } from "../schema/api.js";

/** The shortest check interval: faster checking costs CPU and hammers instruments and clusters. */
export const MIN_CHECK_INTERVAL_MS = MIN_INTERVAL_MS;
/** The longest: a job checked less than weekly is a job nobody follows. */
export const MAX_CHECK_INTERVAL_MS = MAX_INTERVAL_MS;
/** Used when neither the job, the global setting nor the module says otherwise. */
export const DEFAULT_CHECK_INTERVAL_MS = 1_000;
/** Backoff after failed checks never waits longer than this. */
export const MAX_BACKOFF_MS = 5 * 60_000;

/**
 * The global check interval: `module-default` lets each module's own default apply; `off` checks
 * only on request (check-now); a number applies to every job without its own override.
 */
export type GlobalCheckInterval = "module-default" | "off" | number;

/** The interval in ms a job is checked at, or undefined when automatic checks are off. */
export function effectiveInterval(
  jobOverrideMs: number | null,
  global: GlobalCheckInterval,
  moduleDefaultMs: number | undefined,
): number | undefined {
  const chosen =
    jobOverrideMs ??
    (global === "off"
      ? undefined
      : global === "module-default"
        ? (moduleDefaultMs ?? DEFAULT_CHECK_INTERVAL_MS)
        : global);
  return chosen === undefined
    ? undefined
    : Math.min(MAX_CHECK_INTERVAL_MS, Math.max(MIN_CHECK_INTERVAL_MS, chosen));
}

/**
 * Wait after `failures` consecutive failed checks: the interval doubled each time, capped at
 * MAX_BACKOFF_MS, but never shorter than the interval itself (an hourly job is not checked sooner
 * because its check failed).
 */
export function backoffDelay(intervalMs: number, failures: number): number {
  return Math.max(intervalMs, Math.min(MAX_BACKOFF_MS, intervalMs * 2 ** Math.min(failures, 20)));
}

/**
 * The delay before a job's next automatic check: the handle's hint when it gave one (nothing can
 * change before it: a timer knows its deadline, so 10,000 waiting timers cost no checks at all until
 * theirs), else the job's interval; lengthened by backoff after failed checks; undefined when
 * automatic checks are off. A person's check-now still checks at once.
 */
export function nextCheckDelay(
  intervalMs: number | undefined,
  hintMs: number | undefined,
  failedChecks: number,
): number | undefined {
  if (intervalMs === undefined) return undefined;
  const interval =
    hintMs !== undefined
      ? Math.min(MAX_CHECK_INTERVAL_MS, Math.max(MIN_CHECK_INTERVAL_MS, hintMs))
      : intervalMs;
  return failedChecks ? backoffDelay(interval, failedChecks) : interval;
}

/** Each job's interval from its override, the global setting and its module's default (looked up once per type). */
export class ModuleIntervals {
  private readonly defaults = new Map<string, number | null>();

  constructor(private readonly registry: ModuleRegistry) {}

  of(job: JobRecord, global: GlobalCheckInterval): number | undefined {
    let moduleDefault = this.defaults.get(job.moduleType);
    if (moduleDefault === undefined) {
      moduleDefault = this.registry.get(job.moduleType)?.job?.intervalMs ?? null;
      this.defaults.set(job.moduleType, moduleDefault);
    }
    return effectiveInterval(job.intervalMs, global, moduleDefault ?? undefined);
  }
}
