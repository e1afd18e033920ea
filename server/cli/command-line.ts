/**
 * Reads `labflow ...` arguments against the command table: which command, its own options and its
 * arguments, or a request for help or the version. Every mistake is a UsageError naming the
 * command (`labflow status: unknown option --detach`), exit 2.
 */
import { parseArgs } from "node:util";
import { CliError } from "./cli-error.js";
import {
  type CommandFamily,
  type CommandSpec,
  type CommandTableEntry,
  isFamily,
  type OptionSpecs,
} from "./command-spec.js";

/** Every command takes these; the table does not repeat them. */
export const HELP_OPTION: OptionSpecs = {
  help: { type: "boolean", short: "h", description: "this help" },
};

export type CommandLine =
  /** Help on the whole command (`labflow --help`), a family, or one command. */
  | { kind: "help"; topic?: CommandFamily | { command: CommandSpec; path: string } }
  | { kind: "version" }
  | {
      kind: "command";
      command: CommandSpec;
      /** As the person calls it: `run`, `pipeline load`. */
      path: string;
      values: Record<string, string | boolean | undefined>;
      args: string[];
    };

/** A mistake in how the command was called: the message is shown after `labflow PATH: `. */
export class UsageError extends CliError {
  constructor(
    readonly path: string | undefined,
    message: string,
  ) {
    super(message, 2);
  }
}

export function parseCommandLine(table: readonly CommandTableEntry[], argv: string[]): CommandLine {
  const [first, ...rest] = withDataOptionAfterCommand(argv);
  if (first === undefined) throw new UsageError(undefined, "no command given (labflow --help lists them)");
  if (first === "--help" || first === "-h") return { kind: "help" };
  if (first === "--version") return { kind: "version" };
  if (first === "help") return { kind: "help", topic: helpTopic(table, rest) };
  if (first.startsWith("-"))
    throw new UsageError(
      undefined,
      `unknown option ${first}: give the command first (labflow COMMAND [options])`,
    );
  const entry = findEntry(table, first);
  if (!isFamily(entry)) return parseCommand(entry, entry.name, rest);
  const [name, ...args] = rest;
  if (name === undefined || name.startsWith("-")) {
    if (name === "--help" || name === "-h") return { kind: "help", topic: entry };
    const fallback = entry.defaultCommand && findCommand(entry, entry.defaultCommand);
    if (!fallback) return { kind: "help", topic: entry };
    return parseCommand(fallback, `${entry.name} ${fallback.name}`, rest);
  }
  const command = findCommand(entry, name);
  return parseCommand(command, `${entry.name} ${command.name}`, args);
}

/**
 * `labflow --data DIR status` as `labflow status --data DIR`: the one option every command that uses
 * a data folder takes was accepted before the command, and scripts may still give it there.
 */
function withDataOptionAfterCommand(argv: string[]): string[] {
  const [first, second, ...rest] = argv;
  if (first === "--data" && second !== undefined && rest.length > 0) return [...rest, first, second];
  if (first?.startsWith("--data=") && second !== undefined) return [second, ...rest, first];
  return argv;
}

/** The help asked for with `labflow help [COMMAND [SUBCOMMAND]]`. */
function helpTopic(
  table: readonly CommandTableEntry[],
  words: string[],
): CommandFamily | { command: CommandSpec; path: string } | undefined {
  const [first, second] = words;
  if (first === undefined) return undefined;
  const entry = findEntry(table, first);
  if (!isFamily(entry)) return { command: entry, path: entry.name };
  if (second === undefined) return entry;
  const command = findCommand(entry, second);
  return { command, path: `${entry.name} ${command.name}` };
}

function findEntry(table: readonly CommandTableEntry[], name: string): CommandTableEntry {
  const entry = table.find((e) => e.name === name);
  if (!entry) throw new UsageError(undefined, `unknown command "${name}" (labflow --help lists them)`);
  return entry;
}

function findCommand(family: CommandFamily, name: string): CommandSpec {
  const command = family.commands.find((c) => c.name === name);
  if (!command)
    throw new UsageError(
      family.name,
      `unknown command "${name}" (one of: ${family.commands.map((c) => c.name).join(", ")})`,
    );
  return command;
}

/**
 * The command's own options, checked one by one (parseArgs in its lenient mode, then our checks):
 * its messages would name neither the command nor what to do.
 */
function parseCommand(command: CommandSpec, path: string, argv: string[]): CommandLine {
  const specs: OptionSpecs = { ...command.options, ...HELP_OPTION };
  const { values, positionals, tokens } = parseArgs({
    args: argv,
    options: Object.fromEntries(
      Object.entries(specs).map(([name, spec]) => [
        name,
        { type: spec.type, ...(spec.short ? { short: spec.short } : {}) },
      ]),
    ),
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  if (values.help === true) return { kind: "help", topic: { command, path } };
  for (const token of tokens) {
    if (token.kind !== "option") continue;
    const spec = specs[token.name];
    if (!spec)
      throw new UsageError(
        path,
        `unknown option ${token.rawName} (labflow ${path} --help lists its options)`,
      );
    // Like parseArgs' strict mode: `--run --json` is a forgotten value, not a run named "--json".
    const noValue = token.value === undefined || (!token.inlineValue && token.value.startsWith("-"));
    if (spec.type === "string" && noValue)
      throw new UsageError(
        path,
        `${token.rawName} needs a value (${token.rawName} ${spec.value ?? "VALUE"})`,
      );
    if (spec.type === "boolean" && token.inlineValue)
      throw new UsageError(path, `${token.rawName} takes no value`);
  }
  const declared = command.args ?? [];
  const missing = declared.slice(positionals.length).find((a) => !a.optional);
  if (missing) throw new UsageError(path, `missing ${missing.name} (usage: ${usageLine(command, path)})`);
  const extra = positionals[declared.length];
  if (extra !== undefined) throw new UsageError(path, `unexpected argument "${extra}"`);
  const parsed: Record<string, string | boolean | undefined> = {};
  for (const [name, spec] of Object.entries(command.options)) {
    const value = values[name];
    parsed[name] = spec.type === "boolean" ? value === true : typeof value === "string" ? value : undefined;
  }
  return { kind: "command", command, path, values: parsed, args: positionals };
}

/** `labflow run FILE [options]` */
export function usageLine(command: CommandSpec, path: string): string {
  const args = (command.args ?? []).map((a) => (a.optional ? `[${a.name}]` : a.name));
  return ["labflow", path, ...args, "[options]"].join(" ");
}
