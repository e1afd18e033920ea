/**
 * The safe expression language of `basic.Expression`: arithmetic, comparisons and logic over a few
 * named inputs. jsep parses the text; this file vets the parsed tree against a whitelist and
 * evaluates it itself, so nothing a person types ever reaches `eval`, `Function` or a property of a
 * JavaScript object.
 *
 * The language:
 * - literals: numbers (`2`, `.5`, `1e-3`), strings (`"ok"`, `'ok'`), `true`, `false`;
 * - names: the inputs given to {@link compileExpression} and the constants `pi` and `e`;
 * - unary `-` `+` `!`; binary `+ - * / % **`, `== != < <= > >=`, `&& ||`; `test ? x : y`; `( )`;
 * - calls of `abs min max round floor ceil sqrt log exp sin cos tan pow` (`log` is the natural one).
 *
 * Semantics are strict, so that a typo fails loudly instead of giving a plausible wrong number:
 * arithmetic takes numbers (`+` also joins strings), `!`, `&&`, `||` and the test of `?:` take
 * booleans, `==` compares without conversion (`1 == "1"` is false), `<` compares two numbers or two
 * strings. Unary minus binds tighter than `**` (as in spreadsheets): `-2 ** 2` is 4; write
 * `-(2 ** 2)` for -4.
 *
 * Shared with the editor, which can call {@link findExpressionProblem} to check an expression as it
 * is typed: this file imports nothing of Node.
 */
import jsep from "jsep";
// Straight from the file, not the SDK index: the editor reuses this file in the browser, where the
// registry and workspace (node:fs) cannot load.
import { ModuleError } from "../sdk/module-error.js";

/** The names of the inputs of `basic.Expression`. */
export const EXPRESSION_INPUTS = ["a", "b", "c", "d"] as const;

/** The longest expression accepted: keeps parsing and evaluation well within the stack. */
export const MAX_EXPRESSION_LENGTH = 2000;

const CONSTANTS = new Map<string, number>([
  ["pi", Math.PI],
  ["e", Math.E],
]);

interface FunctionSpec {
  minArgs: number;
  maxArgs: number;
  apply: (...args: number[]) => number;
}

const FUNCTIONS = new Map<string, FunctionSpec>([
  ["abs", { minArgs: 1, maxArgs: 1, apply: Math.abs }],
  ["min", { minArgs: 1, maxArgs: Number.POSITIVE_INFINITY, apply: Math.min }],
  ["max", { minArgs: 1, maxArgs: Number.POSITIVE_INFINITY, apply: Math.max }],
  ["round", { minArgs: 1, maxArgs: 1, apply: Math.round }],
  ["floor", { minArgs: 1, maxArgs: 1, apply: Math.floor }],
  ["ceil", { minArgs: 1, maxArgs: 1, apply: Math.ceil }],
  ["sqrt", { minArgs: 1, maxArgs: 1, apply: Math.sqrt }],
  ["log", { minArgs: 1, maxArgs: 1, apply: Math.log }],
  ["exp", { minArgs: 1, maxArgs: 1, apply: Math.exp }],
  ["sin", { minArgs: 1, maxArgs: 1, apply: Math.sin }],
  ["cos", { minArgs: 1, maxArgs: 1, apply: Math.cos }],
  ["tan", { minArgs: 1, maxArgs: 1, apply: Math.tan }],
  ["pow", { minArgs: 2, maxArgs: 2, apply: Math.pow }],
]);

type ArithmeticOperator = "+" | "-" | "*" | "/" | "%" | "**";
type ComparisonOperator = "==" | "!=" | "<" | "<=" | ">" | ">=";
type LogicalOperator = "&&" | "||";

const ARITHMETIC = new Set<string>(["+", "-", "*", "/", "%", "**"]);
const COMPARISON = new Set<string>(["==", "!=", "<", "<=", ">", ">="]);
const LOGICAL = new Set<string>(["&&", "||"]);

/** What people coming from other languages may type, and what to write instead. */
const OPERATOR_HINTS: Record<string, string> = {
  "^": "for a power write a ** 2 or pow(a, 2)",
  "===": "write ==, which already compares without conversion",
  "!==": "write !=, which already compares without conversion",
  "&": "write && for a logical and",
  "|": "write || for a logical or",
};

/** A vetted expression tree: only what the whitelist allows can be represented. */
type Node =
  | { kind: "value"; value: number | string | boolean }
  | { kind: "input"; name: string }
  | { kind: "negate" | "plus" | "not"; operand: Node }
  | { kind: "arithmetic"; operator: ArithmeticOperator; left: Node; right: Node }
  | { kind: "comparison"; operator: ComparisonOperator; left: Node; right: Node }
  | { kind: "logical"; operator: LogicalOperator; left: Node; right: Node }
  | { kind: "conditional"; test: Node; consequent: Node; alternate: Node }
  | { kind: "call"; name: string; fn: FunctionSpec; args: Node[] };

/** A refused expression: `code` is `expression_invalid`; `index` is the character, when known. */
export class ExpressionError extends ModuleError {
  readonly index: number | undefined;

  constructor(message: string, index?: number) {
    super("expression_invalid", message);
    this.name = "ExpressionError";
    this.index = index;
  }
}

/** A checked expression, ready to evaluate any number of times. */
export interface CompiledExpression {
  readonly source: string;
  /** The inputs the expression refers to, in order of first use. */
  readonly inputsUsed: readonly string[];
  /**
   * Evaluates the expression with these input values. Throws a ModuleError: `missing_input` when a
   * used input has no value, `expression_failed` on a type mismatch or a result that is not finite.
   */
  evaluate(values: Readonly<Record<string, unknown>>): unknown;
}

/**
 * Parses and checks `source` against the whitelist, with `inputs` as the names it may use.
 * Throws an {@link ExpressionError} naming the position or the name that is refused.
 */
export function compileExpression(
  source: string,
  inputs: readonly string[] = EXPRESSION_INPUTS,
): CompiledExpression {
  if (source.length > MAX_EXPRESSION_LENGTH) {
    throw new ExpressionError(
      `the expression is ${source.length} characters long; at most ${MAX_EXPRESSION_LENGTH} are allowed`,
    );
  }
  let tree: jsep.Expression;
  try {
    tree = jsep(source);
  } catch (error) {
    const { description, index } = error as { description?: unknown; index?: unknown };
    const at = typeof index === "number" ? index : undefined;
    const what = typeof description === "string" ? description : String(error);
    // jsep ends its messages with "at character N" (0-based); say it for people, counting from 1.
    const bare = what.replace(/ at character \d+$/, "");
    const where = at === undefined ? "" : at >= source.length ? " at the end" : ` at character ${at + 1}`;
    throw new ExpressionError(`the expression does not parse: ${bare}${where}`, at);
  }
  const used: string[] = [];
  const root = vet(tree, new Set(inputs), used);
  return {
    source,
    inputsUsed: used,
    evaluate: (values) => {
      const result = evaluate(root, values);
      if (typeof result === "number" && !Number.isFinite(result)) {
        throw new ModuleError(
          "expression_failed",
          `the expression gave ${result} (a division by zero, or a function outside its domain?)`,
        );
      }
      return result;
    },
  };
}

/** The reason `source` is refused, or undefined when it is a valid expression over `inputs`. */
export function findExpressionProblem(
  source: string,
  inputs: readonly string[] = EXPRESSION_INPUTS,
): string | undefined {
  try {
    compileExpression(source, inputs);
    return undefined;
  } catch (error) {
    if (error instanceof ExpressionError) return error.message;
    throw error;
  }
}

function vet(node: jsep.Expression, inputs: ReadonlySet<string>, used: string[]): Node {
  const child = (n: unknown) => vet(n as jsep.Expression, inputs, used);
  switch (node.type) {
    case "Literal": {
      const { value } = node as jsep.Literal;
      if (typeof value === "number" || typeof value === "string" || typeof value === "boolean") {
        return { kind: "value", value };
      }
      throw new ExpressionError(
        `${(node as jsep.Literal).raw} is not allowed: use numbers, strings, true or false`,
      );
    }
    case "Identifier": {
      const { name } = node as jsep.Identifier;
      if (inputs.has(name)) {
        if (!used.includes(name)) used.push(name);
        return { kind: "input", name };
      }
      const constant = CONSTANTS.get(name);
      if (constant !== undefined) return { kind: "value", value: constant };
      if (FUNCTIONS.has(name)) throw new ExpressionError(`${name} is a function: call it, as in ${name}(x)`);
      throw new ExpressionError(
        `unknown name "${name}" (inputs: ${[...inputs].join(", ")}; constants: pi, e, true, false)`,
      );
    }
    case "UnaryExpression": {
      const { operator, argument } = node as jsep.UnaryExpression;
      const operand = child(argument);
      if (operator === "-") return { kind: "negate", operand };
      if (operator === "+") return { kind: "plus", operand };
      if (operator === "!") return { kind: "not", operand };
      throw new ExpressionError(`the operator ${operator} is not allowed`);
    }
    case "BinaryExpression": {
      const { operator, left, right } = node as jsep.BinaryExpression;
      const l = child(left);
      const r = child(right);
      if (ARITHMETIC.has(operator))
        return { kind: "arithmetic", operator: operator as ArithmeticOperator, left: l, right: r };
      if (COMPARISON.has(operator))
        return { kind: "comparison", operator: operator as ComparisonOperator, left: l, right: r };
      if (LOGICAL.has(operator))
        return { kind: "logical", operator: operator as LogicalOperator, left: l, right: r };
      const hint = OPERATOR_HINTS[operator];
      throw new ExpressionError(`the operator ${operator} is not allowed${hint ? `: ${hint}` : ""}`);
    }
    case "ConditionalExpression": {
      const { test, consequent, alternate } = node as jsep.ConditionalExpression;
      return {
        kind: "conditional",
        test: child(test),
        consequent: child(consequent),
        alternate: child(alternate),
      };
    }
    case "CallExpression": {
      const { callee, arguments: args } = node as jsep.CallExpression;
      if (callee.type !== "Identifier") {
        throw new ExpressionError("only the built-in functions can be called, by name, as in abs(x)");
      }
      const { name } = callee as jsep.Identifier;
      const fn = FUNCTIONS.get(name);
      if (!fn) {
        throw new ExpressionError(
          `unknown function "${name}" (functions: ${[...FUNCTIONS.keys()].join(", ")})`,
        );
      }
      if (args.length < fn.minArgs || args.length > fn.maxArgs) {
        const expected =
          fn.minArgs === fn.maxArgs
            ? `${fn.minArgs}`
            : fn.maxArgs === Number.POSITIVE_INFINITY
              ? `at least ${fn.minArgs}`
              : `${fn.minArgs} to ${fn.maxArgs}`;
        throw new ExpressionError(
          `${name} takes ${expected} argument${expected === "1" ? "" : "s"}, not ${args.length}`,
        );
      }
      return { kind: "call", name, fn, args: args.map(child) };
    }
    case "MemberExpression":
      throw new ExpressionError(
        "member access (a.b or a[...]) is not allowed: expressions work on numbers, strings and booleans",
      );
    case "ThisExpression":
      throw new ExpressionError('"this" is not allowed');
    case "ArrayExpression":
      throw new ExpressionError("arrays ([...]) are not allowed");
    case "Compound":
    case "SequenceExpression": {
      const parts = ((node as jsep.Compound).body ?? (node as jsep.SequenceExpression).expressions) as
        | unknown[]
        | undefined;
      if (!parts || parts.length === 0) throw new ExpressionError("the expression is empty");
      throw new ExpressionError(
        `write one expression, not ${parts.length} (a missing operator, or a , or ; between them?)`,
      );
    }
    default:
      throw new ExpressionError(`${node.type} is not allowed in an expression`);
  }
}

type Value = unknown;

function evaluate(node: Node, values: Readonly<Record<string, unknown>>): Value {
  switch (node.kind) {
    case "value":
      return node.value;
    case "input": {
      const value = Object.hasOwn(values, node.name) ? values[node.name] : undefined;
      if (value === undefined) {
        throw new ModuleError(
          "missing_input",
          `the expression uses input "${node.name}", which received no value`,
          { port: node.name },
        );
      }
      return value;
    }
    case "negate":
      return -number(evaluate(node.operand, values), "the operand of unary -");
    case "plus":
      return number(evaluate(node.operand, values), "the operand of unary +");
    case "not":
      return !boolean(evaluate(node.operand, values), "the operand of !");
    case "arithmetic":
      return arithmetic(node.operator, evaluate(node.left, values), evaluate(node.right, values));
    case "comparison":
      return compare(node.operator, evaluate(node.left, values), evaluate(node.right, values));
    case "logical": {
      // Short-circuit, as people expect: `b != 0 && a / b > 1` never divides by zero.
      const left = boolean(evaluate(node.left, values), `the left side of ${node.operator}`);
      if (node.operator === "&&" ? !left : left) return left;
      return boolean(evaluate(node.right, values), `the right side of ${node.operator}`);
    }
    case "conditional":
      return boolean(evaluate(node.test, values), "the test of ? :")
        ? evaluate(node.consequent, values)
        : evaluate(node.alternate, values);
    case "call":
      return node.fn.apply(
        ...node.args.map((arg, i) => number(evaluate(arg, values), `argument ${i + 1} of ${node.name}`)),
      );
  }
}

function arithmetic(operator: ArithmeticOperator, left: Value, right: Value): Value {
  if (operator === "+" && (typeof left === "string" || typeof right === "string")) {
    return `${scalar(left, "the left side of +")}${scalar(right, "the right side of +")}`;
  }
  const l = number(left, `the left side of ${operator}`);
  const r = number(right, `the right side of ${operator}`);
  switch (operator) {
    case "+":
      return l + r;
    case "-":
      return l - r;
    case "*":
      return l * r;
    case "/":
      return l / r;
    case "%":
      return l % r;
    case "**":
      return l ** r;
  }
}

function compare(operator: ComparisonOperator, left: Value, right: Value): boolean {
  if (operator === "==" || operator === "!=") {
    const equal =
      scalar(left, `the left side of ${operator}`) === scalar(right, `the right side of ${operator}`);
    return operator === "==" ? equal : !equal;
  }
  const bothStrings = typeof left === "string" && typeof right === "string";
  const l = bothStrings ? left : number(left, `the left side of ${operator}`);
  const r = bothStrings ? right : number(right, `the right side of ${operator}`);
  switch (operator) {
    case "<":
      return l < r;
    case "<=":
      return l <= r;
    case ">":
      return l > r;
    case ">=":
      return l >= r;
  }
}

function number(value: Value, what: string): number {
  if (typeof value === "number") return value;
  throw mismatch(what, "a number", value);
}

function boolean(value: Value, what: string): boolean {
  if (typeof value === "boolean") return value;
  throw mismatch(what, "true or false", value);
}

function scalar(value: Value, what: string): number | string | boolean {
  if (typeof value === "number" || typeof value === "string" || typeof value === "boolean") return value;
  throw mismatch(what, "a number, a string or a boolean", value);
}

function mismatch(what: string, expected: string, got: Value): ModuleError {
  return new ModuleError("expression_failed", `${what} should be ${expected}, not ${describe(got)}`);
}

function describe(value: Value): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string")
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return String(value);
}
