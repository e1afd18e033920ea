import { type ErrorCode, LabflowError } from "../schema/errors.js";

/**
 * An error the HTTP layer itself answers with (a bad body, a read-only workflow, a missing token).
 * Its status comes from the error registry (server/schema/errors.ts), like every other code's.
 */
export class HttpError extends LabflowError {
  constructor(code: ErrorCode, message: string, field?: string) {
    super(code, message, field === undefined ? {} : { place: { field } });
    this.name = "HttpError";
  }

  get field(): string | undefined {
    return this.place.field;
  }
}
