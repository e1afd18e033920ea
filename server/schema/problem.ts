/**
 * The shape in which errors cross the wire and reach people: a stable code, a message a person can
 * act on, and the place it concerns. Pure data, shared by server, CLI and client.
 */
import { z } from "zod";

export const ProblemKind = z.enum(["user", "operational", "bug"]);
export type ProblemKind = z.infer<typeof ProblemKind>;

export const Problem = z.object({
  code: z.string(),
  message: z.string(),
  moduleId: z.string().optional(),
  port: z.string().optional(),
  /** A JSON path into the body or document, e.g. `modules.2.params.value`. */
  field: z.string().optional(),
  /** 1-based line in a file the problem was found in. */
  line: z.number().int().optional(),
});
export type Problem = z.infer<typeof Problem>;

/** Renders a problem with its place first, the way CLI output and logs show it. */
export function formatProblem(p: Problem): string {
  const place = [
    p.line !== undefined ? `line ${p.line}` : undefined,
    p.moduleId !== undefined ? `module "${p.moduleId}"` : undefined,
    p.port !== undefined ? `port "${p.port}"` : undefined,
    p.field !== undefined && p.moduleId === undefined ? `field "${p.field}"` : undefined,
  ]
    .filter(Boolean)
    .join(", ");
  return place ? `${place}: ${p.message} [${p.code}]` : `${p.message} [${p.code}]`;
}
