import { readFileSync } from "node:fs";
import { type ParseError, parse, printParseErrorCode } from "jsonc-parser";
import { CliError } from "./cli-error.js";

/** Reads and parses a workflow file; a syntax error names the file, line and column. */
export function readWorkflowFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const place = syntaxErrorPlace(text);
    const where = place ? `${path}:${place.line}:${place.column}` : path;
    throw new CliError(
      `${where}: not valid JSON${place ? ` (${place.problem})` : ""}: ${(error as Error).message}`,
    );
  }
}

/**
 * Where the first syntax error is. JSON.parse stays the (strict) parser; jsonc-parser only
 * finds where it went wrong, which Node 20's messages do not always say.
 */
function syntaxErrorPlace(text: string): { line: number; column: number; problem: string } | undefined {
  const errors: ParseError[] = [];
  parse(text, errors, { allowTrailingComma: false, disallowComments: true });
  const first = errors[0];
  if (!first) return undefined;
  const before = text.slice(0, first.offset);
  const line = before.split("\n").length;
  const column = first.offset - before.lastIndexOf("\n");
  return { line, column, problem: printParseErrorCode(first.error) };
}
