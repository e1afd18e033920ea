/**
 * Reading the lab's configuration files (devices, clusters): JSON or YAML, checked with a zod
 * schema, every problem naming the entry, the field and, where the parser knows it, the line.
 * One parser (YAML, a superset of JSON) gives line numbers for both formats.
 */
import { existsSync, readFileSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import { isNode, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";

/** A configuration file that cannot be used; `problems` lists each one, naming entry, field and line. */
export class ConfigFileError extends Error {
  constructor(
    readonly code: string,
    readonly file: string,
    readonly problems: string[],
  ) {
    super(
      `${file}: ${problems.length === 1 ? problems[0] : `${problems.length} problems:\n  ${problems.join("\n  ")}`}`,
    );
  }
}

/** A parsed document: its plain value and where (which line) a path of it was written. */
export interface ConfigDocument {
  raw: unknown;
  /** " (line N)" for the node at `path`, or "" when the parser does not know it. */
  lineOf(path: readonly PropertyKey[]): string;
}

/** `explicit` (from a command-line option) or the first of `names` present in the data folder. */
export function findConfigFile(
  dataDir: string,
  names: readonly string[],
  explicit: string | undefined,
  missing: (path: string) => Error,
): string | undefined {
  if (explicit !== undefined) {
    const path = resolve(explicit);
    if (!existsSync(path)) throw missing(path);
    return path;
  }
  return names.map((file) => join(dataDir, file)).find((path) => existsSync(path));
}

/** The text of a configuration file and the format its extension says. */
export function readConfigText(
  path: string,
  fail: (problem: string) => Error,
): { text: string; format: "json" | "yaml" } {
  try {
    const text = readFileSync(path, "utf8");
    return { text, format: extname(path).toLowerCase() === ".json" ? "json" : "yaml" };
  } catch (error) {
    throw fail(`cannot read it: ${(error as Error).message}`);
  }
}

/** Parses JSON or YAML keeping line numbers; syntax errors come back as problems. */
export function parseConfigDocument(
  text: string,
  format: "json" | "yaml",
  fail: (problems: string[]) => Error,
): ConfigDocument {
  if (format === "json") {
    try {
      JSON.parse(text);
    } catch (error) {
      throw fail([`not valid JSON: ${jsonErrorWithLine(text, error as Error)}`]);
    }
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0)
    throw fail(doc.errors.map((e) => `not valid ${format.toUpperCase()}: ${e.message.split("\n")[0]}`));
  return {
    raw: doc.toJS() ?? {},
    lineOf(path) {
      const node = doc.getIn(path as unknown[], true);
      if (!isNode(node) || !node.range) return "";
      return ` (line ${lineCounter.linePos(node.range[0]).line})`;
    },
  };
}

/**
 * Checks a parsed document against its schema. Issues inside a list of named entries read
 * `devices[2] "furnace": address: ... (line 7)`.
 */
export function checkConfigSchema<S extends z.ZodType>(
  schema: S,
  doc: ConfigDocument,
  fail: (problems: string[]) => Error,
): z.output<S> {
  const parsed = schema.safeParse(doc.raw);
  if (parsed.success) return parsed.data;
  const entryName = (path: readonly PropertyKey[]): string => {
    const [list, index] = path;
    if (typeof list !== "string" || typeof index !== "number") return "";
    const entry = (doc.raw as Record<string, unknown[]>)?.[list]?.[index] as { name?: unknown } | undefined;
    return typeof entry?.name === "string" ? ` "${entry.name}"` : "";
  };
  throw fail(
    parsed.error.issues.map((issue) => {
      const [list, index, ...rest] = issue.path;
      const where =
        typeof index === "number"
          ? `${String(list)}[${index}]${entryName(issue.path)}${rest.length ? `: ${rest.join(".")}` : ""}`
          : issue.path.join(".") || "the file";
      return `${where}: ${issue.message}${doc.lineOf(issue.path)}`;
    }),
  );
}

function jsonErrorWithLine(text: string, error: Error): string {
  const position = /position (\d+)/.exec(error.message)?.[1];
  if (position === undefined) return error.message;
  const line = text.slice(0, Number(position)).split("\n").length;
  return `${error.message} (line ${line})`;
}
