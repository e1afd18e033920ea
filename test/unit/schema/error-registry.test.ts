import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EngineError } from "../../../server/engine/engine-error.js";
import { errorAnswer } from "../../../server/http/error-handler.js";
import { HttpError } from "../../../server/http/http-error.js";
import { ERRORS, KIND_WORDS } from "../../../server/schema/errors.js";
import { StoreError } from "../../../server/store/store-error.js";
import { withErrorsTable } from "../../../server/tools/errors-table.js";
import { repoRoot } from "../../helpers/labflow-cli.js";

describe("the error registry", () => {
  it("is the table of docs/api.md (run `npm run errors-table` after changing it)", () => {
    const doc = readFileSync(join(repoRoot, "docs", "api.md"), "utf8");
    expect(doc).toBe(withErrorsTable(doc));
  });

  it("gives every error its status and kind by looking its code up, whatever class threw it", () => {
    expect(errorAnswer(new EngineError("cancel_failed", "still running"), 1)?.status).toBe(409);
    expect(errorAnswer(EngineError.notFound("run", "r1"), 1)?.body.error.code).toBe("run_not_found");
    expect(errorAnswer(new HttpError("invalid_body", "x: bad", "x"), 1)).toEqual({
      status: 400,
      body: { error: { code: "invalid_body", message: "x: bad", field: "x" } },
    });
    expect(errorAnswer(new StoreError("data_folder_in_use", "held"), 1)?.status).toBe(409);
    expect(new StoreError("data_folder_in_use", "held").kind).toBe("operational");
  });

  it("answers a bug as an internal error, never with its message", () => {
    expect(
      errorAnswer(new StoreError("store_write_failed", "UNIQUE constraint failed: jobs.id"), 1),
    ).toBeUndefined();
  });

  it("says who can fix each kind, in a person's words", () => {
    for (const spec of Object.values(ERRORS)) expect(KIND_WORDS[spec.kind]).toBeTruthy();
    expect(ERRORS.unauthorized.status).toBe(401);
  });
});
