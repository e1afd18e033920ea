import { describe, expect, it } from "vitest";
import { lineReader } from "../../../server/devices/protocol/driver-protocol.js";

function reader(maxLength?: number) {
  const lines: string[] = [];
  const overlong: string[] = [];
  const feed = lineReader((line) => lines.push(line), {
    maxLength,
    onOverlong: (message) => overlong.push(message),
  });
  return { lines, overlong, feed };
}

describe("socket line reader", () => {
  it("joins lines split across chunks and skips blank ones", () => {
    const { lines, feed } = reader();
    feed('{"id":1,');
    feed('"result":2}\n\n  \n{"id":2');
    feed(',"result":3}\n');
    expect(lines).toEqual(['{"id":1,"result":2}', '{"id":2,"result":3}']);
  });

  it("drops a line longer than the limit whole, says so, and reads the next line", () => {
    const { lines, overlong, feed } = reader(10);
    feed("0123456789");
    feed("abc");
    feed("def\nok\n");
    expect(lines).toEqual(["ok"]);
    expect(overlong).toEqual(["line longer than 10 characters; dropped"]);
  });

  it("keeps at most the limit in memory while a line never ends", () => {
    const { lines, overlong, feed } = reader(1000);
    for (let i = 0; i < 100; i++) feed("x".repeat(1000));
    feed("\nnext\n");
    expect(lines).toEqual(["next"]);
    expect(overlong).toHaveLength(1);
  });
});
