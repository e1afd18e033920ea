import { describe, expect, it } from "vitest";
import {
  compileExpression,
  ExpressionError,
  findExpressionProblem,
} from "../../../../modules/basic/_expression-language.js";
import expression from "../../../../modules/basic/expression.js";
import { ModuleError } from "../../../../modules/sdk/index.js";
import { runCompute } from "./_run-compute.js";

async function evaluate(source: string, inputs: Record<string, unknown> = {}): Promise<unknown> {
  const { outputs } = await runCompute(expression, { params: { expression: source }, inputs });
  return outputs.result;
}

function refusal(source: string): ExpressionError {
  try {
    compileExpression(source);
  } catch (error) {
    if (error instanceof ExpressionError) return error;
    throw error;
  }
  throw new Error(`"${source}" was accepted`);
}

describe("basic.Expression", () => {
  it("evaluates precedence and the ternary", async () => {
    expect(await evaluate("a * 2 + (b > 3 ? 1 : 0)", { a: 5, b: 4 })).toBe(11);
    expect(await evaluate("a * 2 + (b > 3 ? 1 : 0)", { a: 5, b: 2 })).toBe(10);
    expect(await evaluate("1 + 2 * 3 ** 2 - 8 / 4 % 3")).toBe(17);
    expect(await evaluate("2 ** 3 ** 2")).toBe(512);
    expect(await evaluate("a > 0 ? b > 0 ? 1 : 2 : 3", { a: 1, b: -1 })).toBe(2);
  });

  it("binds unary minus tighter than ** (as spreadsheets do)", async () => {
    expect(await evaluate("-2 ** 2")).toBe(4);
    expect(await evaluate("-(2 ** 2)")).toBe(-4);
  });

  it("calls the whitelisted functions and knows pi and e", async () => {
    expect(await evaluate("max(a, b, 3) + min(4, 5)", { a: 1, b: 7 })).toBe(11);
    expect(await evaluate("round(2.5) + floor(-1.5) + ceil(1.2) + abs(-4)")).toBe(3 - 2 + 2 + 4);
    expect(await evaluate("sqrt(16) + pow(2, 10) + log(e) + exp(0)")).toBe(4 + 1024 + 1 + 1);
    expect(await evaluate("sin(pi / 2) + cos(0) + tan(0)")).toBeCloseTo(2);
  });

  it("compares without converting types", async () => {
    expect(await evaluate('a == "1"', { a: 1 })).toBe(false);
    expect(await evaluate("a == 1 && b != 2", { a: 1, b: 3 })).toBe(true);
    expect(await evaluate('"apple" < "banana"')).toBe(true);
    expect(await evaluate("!(a >= 2) || false", { a: 1 })).toBe(true);
  });

  it("joins strings with +", async () => {
    expect(await evaluate('"n = " + a', { a: 3 })).toBe("n = 3");
  });

  it("short-circuits && and || so an unused input is never read", async () => {
    expect(await evaluate("false && c > 1")).toBe(false);
    expect(await evaluate("a > 0 || d", { a: 1 })).toBe(true);
    expect(await evaluate("a > 0 ? a : d", { a: 2 })).toBe(2);
  });

  it("refuses member access", () => {
    for (const source of ["a.constructor", 'a["x"]', "Math.abs(1)", "a?.b"]) {
      expect(refusal(source).message).toMatch(/member access|only the built-in functions/);
    }
  });

  it("refuses this, arrays, null, assignment and calls of anything but the whitelist", () => {
    expect(refusal("this").message).toContain('"this" is not allowed');
    expect(refusal("[1, 2]").message).toContain("arrays");
    expect(refusal("null").message).toContain("null is not allowed");
    expect(refusal("a = 1").message).toContain("does not parse");
    expect(refusal("alert(1)").message).toContain('unknown function "alert"');
    expect(refusal("abs(1)(2)").message).toContain("only the built-in functions");
    expect(refusal("pow(2)").message).toContain("pow takes 2 arguments, not 1");
    expect(refusal("a, b").message).toContain("write one expression");
    expect(refusal("a ?? b").message).toContain("operator ?? is not allowed");
  });

  it("names an unknown identifier, even one JavaScript objects carry", () => {
    for (const name of ["x", "constructor", "__proto__", "undefined", "Math"]) {
      const error = refusal(`${name} + 1`);
      expect(error.code).toBe("expression_invalid");
      expect(error.message).toContain(`unknown name "${name}"`);
    }
  });

  it("names the position of a parse error", () => {
    const error = refusal("a # b");
    expect(error.code).toBe("expression_invalid");
    expect(error.message).toBe('the expression does not parse: Unexpected "#" at character 3');
    expect(error.index).toBe(2);
    expect(refusal("a * (b + 1").message).toBe("the expression does not parse: Unclosed ( at the end");
  });

  it("suggests ** for ^ and == for ===", () => {
    expect(refusal("a ^ 2").message).toContain("a ** 2 or pow(a, 2)");
    expect(refusal("a === 2").message).toContain("write ==");
  });

  it("refuses a bad expression at validation time, on the expression field", () => {
    const parsed = expression.params.safeParse({ expression: "a + x" });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(["expression"]);
    expect(parsed.error?.issues[0]?.message).toContain('unknown name "x"');
    expect(expression.params.safeParse({ expression: "" }).error?.issues[0]?.message).toContain("empty");
  });

  it("offers the editor a check that returns the problem or nothing", () => {
    expect(findExpressionProblem("a + b")).toBeUndefined();
    expect(findExpressionProblem("a +")).toBe(
      "the expression does not parse: Expected expression after + at the end",
    );
    expect(findExpressionProblem("x * 2", ["x"])).toBeUndefined();
    expect(compileExpression("d + a * a").inputsUsed).toEqual(["d", "a"]);
  });

  it("names an input the expression uses that received no value", async () => {
    const failure = await evaluate("a + c", { a: 1 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ModuleError);
    expect(failure).toMatchObject({ code: "missing_input", port: "c" });
  });

  it("refuses arithmetic on a value that is not a number", async () => {
    await expect(evaluate("a * 2", { a: "x" })).rejects.toMatchObject({
      code: "expression_failed",
      message: 'the left side of * should be a number, not the string "x"',
    });
    await expect(evaluate("a + 1", { a: { x: 1 } })).rejects.toMatchObject({ code: "expression_failed" });
  });

  it("takes only true or false in logic and tests", async () => {
    await expect(evaluate("a && true", { a: 1 })).rejects.toThrow(
      "the left side of && should be true or false",
    );
    await expect(evaluate("a ? 1 : 2", { a: "yes" })).rejects.toThrow(
      "the test of ? : should be true or false",
    );
  });

  it("refuses a result that is not a finite number", async () => {
    await expect(evaluate("a / 0", { a: 1 })).rejects.toMatchObject({ code: "expression_failed" });
    await expect(evaluate("sqrt(-1)")).rejects.toThrow("NaN");
  });

  it("passes a single input through whatever it holds", async () => {
    expect(await evaluate("a", { a: { x: [1, 2] } })).toEqual({ x: [1, 2] });
  });
});
