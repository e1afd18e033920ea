/** An error the HTTP layer itself answers with (a bad body, a read-only workflow, a missing token). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "HttpError";
  }
}
