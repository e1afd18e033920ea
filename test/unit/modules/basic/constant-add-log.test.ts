import { describe, expect, it } from "vitest";
import add from "../../../../modules/basic/add.js";
import constant from "../../../../modules/basic/constant.js";
import log from "../../../../modules/basic/log.js";
import { runCompute } from "./_run-compute.js";

describe("basic.Constant", () => {
  it("outputs 0 by default", async () => {
    expect((await runCompute(constant)).outputs).toEqual({ value: 0 });
  });

  it("outputs any JSON value it is given", async () => {
    const value = { name: "sample 1", doses: [1, 2.5], active: true, note: null };
    expect((await runCompute(constant, { params: { value } })).outputs.value).toEqual(value);
  });

  it("refuses a misspelt parameter instead of ignoring it", () => {
    expect(constant.params.safeParse({ vaule: 2 }).success).toBe(false);
  });
});

describe("basic.Add", () => {
  it("adds its two inputs", async () => {
    expect((await runCompute(add, { inputs: { a: 2, b: 0.5 } })).outputs).toEqual({ sum: 2.5 });
  });

  it("refuses a sum too large for a number", async () => {
    await expect(
      runCompute(add, { inputs: { a: Number.MAX_VALUE, b: Number.MAX_VALUE } }),
    ).rejects.toMatchObject({
      code: "number_overflow",
    });
  });
});

describe("basic.Log", () => {
  it("records the value under its label and passes it on", async () => {
    const value = { temperature: 21.5 };
    const run = await runCompute(log, { params: { label: "oven" }, inputs: { value } });
    expect(run.logs).toEqual(['oven: {"temperature":21.5}']);
    expect(run.outputs.value).toBe(value);
  });

  it("records a string as it is, without a label when none is set", async () => {
    expect((await runCompute(log, { inputs: { value: "done" } })).logs).toEqual(["done"]);
  });

  it("cuts a very long value in the log but passes it on whole", async () => {
    const value = "x".repeat(5000);
    const run = await runCompute(log, { inputs: { value } });
    expect(run.logs[0]).toHaveLength(2000 + "… (3000 more characters)".length);
    expect(run.outputs.value).toBe(value);
  });
});
