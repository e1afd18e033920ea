import { readFileSync } from "node:fs";
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
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message)?.[1];
    if (position === undefined) throw new CliError(`${path}: not valid JSON: ${message}`);
    const before = text.slice(0, Number(position));
    const line = before.split("\n").length;
    const column = Number(position) - before.lastIndexOf("\n");
    throw new CliError(
      `${path}:${line}:${column}: not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, "")}`,
    );
  }
}
