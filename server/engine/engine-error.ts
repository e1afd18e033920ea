import type { Problem } from "../schema/problem.js";

/**
 * A user error the engine refuses with: bad documents, unknown runs or jobs, a request that does
 * not fit the state. Carries every problem found, each with its place, so a person fixes all at once.
 */
export class EngineError extends Error {
  readonly code: string;
  readonly problems: Problem[];

  constructor(code: string, message: string, problems: Problem[] = []) {
    super(message);
    this.name = "EngineError";
    this.code = code;
    this.problems = problems;
  }

  static notFound(what: "run" | "job" | "workflow", id: string): EngineError {
    return new EngineError(`${what}_not_found`, `no ${what} with id "${id}"`);
  }
}
