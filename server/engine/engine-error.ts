import { type ErrorCode, LabflowError } from "../schema/errors.js";
import type { Problem } from "../schema/problem.js";

/**
 * A user error the engine refuses with: bad documents, unknown runs or jobs, a request that does
 * not fit the state. Carries every problem found, each with its place, so a person fixes all at once.
 * Its code is registered (server/schema/errors.ts): its status and kind come from there.
 */
export class EngineError extends LabflowError {
  constructor(code: ErrorCode, message: string, problems: Problem[] = []) {
    super(code, message, { problems });
    this.name = "EngineError";
  }

  static notFound(what: "run" | "job" | "workflow", id: string): EngineError {
    return new EngineError(`${what}_not_found`, `no ${what} with id "${id}"`);
  }
}
