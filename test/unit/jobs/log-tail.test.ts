import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { firstFollowOffset } from "../../../client/jobs/useLogFollow.js";
import { readFrom } from "../../../modules/sdk/log-chunk.js";
import { tempDir } from "../../helpers/temp-dir.js";

describe("the log view of a long job", () => {
  it("is told the stream's size, and starts near its end rather than at byte 0", () => {
    const file = join(tempDir(), "stdout");
    writeFileSync(file, `${"x".repeat(5_000)}the end\n`);
    const first = readFrom(file, 0, 1_000);
    expect(first.size).toBe(5_008);
    const skipTo = firstFollowOffset(first, 100);
    expect(skipTo).toBe(4_908);
    expect(readFrom(file, skipTo ?? 0).text.endsWith("the end\n")).toBe(true);
  });

  it("reads a short stream from its start", () => {
    const file = join(tempDir(), "stdout");
    writeFileSync(file, "short\n");
    expect(firstFollowOffset(readFrom(file, 0), 100)).toBeUndefined();
    expect(firstFollowOffset({ text: "", nextOffset: 0 }, 100)).toBeUndefined();
  });
});
