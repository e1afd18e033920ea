/**
 * Whether a driver can ever run a task as asked, from its descriptor alone: the technique is one
 * of its capabilities, the params pass the technique's zod schema (type, range, known names) and
 * the sampling interval is within its limits. Used before a job is queued (`labflow validate`,
 * `POST /api/runs`), when jobs are matched to pipelines (a pipeline whose driver refuses the params
 * is never claimed) and by the driver host itself before it starts anything.
 */
import type { z } from "zod";
import type { AttributeInfo, DriverDescriptor } from "./driver-api.js";

/** What of a task the rules look at. */
export interface TaskAsked {
  technique: string;
  params: Record<string, unknown>;
  durationMs: number;
  samplingMs: number;
}

/** Why the driver can never run the task as asked, or undefined when it can. */
export function whyTaskRefused(driver: DriverDescriptor, task: TaskAsked): string | undefined {
  const schema = driver.taskParams[task.technique];
  if (!driver.techniques.includes(task.technique) || !schema)
    return `technique "${task.technique}" is not offered by driver ${driver.type} (offers: ${driver.techniques.join(", ")})`;
  const sampling = driver.samplingMs;
  if (sampling && (task.samplingMs < sampling.min || task.samplingMs > sampling.max))
    return `samplingMs ${task.samplingMs} is outside [${sampling.min}, ${sampling.max}]`;
  if (task.durationMs < task.samplingMs)
    return `durationMs ${task.durationMs} is shorter than samplingMs ${task.samplingMs}`;
  const parsed = schema.safeParse(task.params);
  if (parsed.success) return undefined;
  const takes = Object.keys(shapeOf(schema)).join(", ") || "no params";
  return parsed.error.issues.map((issue) => describeIssue(issue, task, schema, takes)).join("; ");
}

/** Why `value` can never be set on the attribute (read-only, wrong type, out of range), or undefined. */
export function whyAttributeRefused(
  info: AttributeInfo | undefined,
  name: string,
  value: unknown,
): string | undefined {
  if (!info) return `no attribute "${name}"`;
  if (!info.rw) return `attribute "${name}" is read-only`;
  if (typeof value !== info.type)
    return `attribute "${name}" takes a ${info.type}, not ${JSON.stringify(value)}`;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return `attribute "${name}" takes a finite number`;
    const unit = info.unit ? ` ${info.unit}` : "";
    if ((info.min !== undefined && value < info.min) || (info.max !== undefined && value > info.max))
      return `attribute "${name}" ${value}${unit} is outside [${info.min ?? "-inf"}, ${info.max ?? "inf"}]`;
  }
  return undefined;
}

function describeIssue(issue: z.core.$ZodIssue, task: TaskAsked, schema: z.ZodType, takes: string): string {
  const name = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys")
    return issue.keys.map((key) => `unknown param "${key}" (${task.technique} takes ${takes})`).join("; ");
  const value = issue.path.length === 1 ? task.params[String(issue.path[0])] : undefined;
  if (issue.code === "too_big" || issue.code === "too_small") {
    const bounds = boundsOf(shapeOf(schema)[name]);
    if (bounds) return `param "${name}" ${JSON.stringify(value)} is outside [${bounds.min}, ${bounds.max}]`;
  }
  if (issue.code === "invalid_type")
    return value === undefined
      ? `param "${name}" is required (a ${issue.expected})`
      : `param "${name}" must be a ${issue.expected} (got ${JSON.stringify(value)})`;
  return `param "${name}": ${issue.message}`;
}

function shapeOf(schema: z.ZodType): Record<string, z.ZodType> {
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape;
  return shape ?? {};
}

/** The limits of a (possibly optional) number schema. */
function boundsOf(schema: z.ZodType | undefined): { min: number; max: number } | undefined {
  let inner = schema as unknown as {
    unwrap?: () => unknown;
    minValue?: number | null;
    maxValue?: number | null;
  };
  while (inner && typeof inner.unwrap === "function") inner = inner.unwrap() as typeof inner;
  if (!inner || typeof inner.minValue !== "number" || typeof inner.maxValue !== "number") return undefined;
  return { min: inner.minValue, max: inner.maxValue };
}
