import { describe, expect, it } from "vitest";
import { DueQueue } from "../../../server/jobs/due-queue.js";

describe("the monitor's due queue", () => {
  it("gives entries back earliest first, across slots, with their exact times", () => {
    const queue = new DueQueue();
    const times = [5000, 12, 7, 999, 3, 5001, 120, 7];
    for (const [i, at] of times.entries()) queue.push(at, `j${i}`);
    const out: number[] = [];
    for (let e = queue.pop(); e; e = queue.pop()) out.push(e.at);
    // Within a 10 ms slot the order is the order of pushing; slots come out in time order.
    expect(out).toEqual([7, 3, 7, 12, 120, 999, 5000, 5001]);
    expect(queue.size).toBe(0);
  });

  it("peeks the start of the earliest slot", () => {
    const queue = new DueQueue();
    queue.push(1234, "a");
    queue.push(50, "b");
    expect(queue.peekTime()).toBe(50);
    queue.pop();
    expect(queue.peekTime()).toBe(1230);
  });
});
