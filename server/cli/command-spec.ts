/**
 * What a `labflow` command declares about itself: its name, a one-line summary, its arguments, its
 * own options and its handler. The command table (command-table.ts) lists these; help texts and
 * argument parsing are generated from them (command-line.ts, help-text.ts), so a command's options
 * are written once and an option of another command is refused.
 */

/** One `--name` option of a command. */
export interface OptionSpec {
  type: "string" | "boolean";
  /** How help names the value of a string option (`--data DIR`). */
  value?: string;
  /** One line for the command's help. */
  description: string;
  /** A one-letter alias (`-h`). */
  short?: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

/**
 * The parsed values: a boolean option is false when absent, a string option undefined. (An option
 * whose type is not known here, in the table's erased specs, may be either.)
 */
export type OptionValues<O extends OptionSpecs> = {
  [K in keyof O]: O[K]["type"] extends "string"
    ? string | undefined
    : O[K]["type"] extends "boolean"
      ? boolean
      : string | boolean | undefined;
};

/** A positional argument, in order; the optional ones come last. */
export interface ArgumentSpec {
  /** As help shows it: `FILE`, `JOB|RUN`. */
  name: string;
  optional?: boolean;
}

/** What a handler receives: its own options only, and its arguments (the required ones present). */
export interface CommandInput<O extends OptionSpecs> {
  values: OptionValues<O>;
  args: string[];
}

/** One command: `labflow run FILE`, or `labflow pipeline load NAME SAMPLE` inside a family. */
export interface CommandSpec<O extends OptionSpecs = OptionSpecs> {
  name: string;
  /** One line in `labflow --help`. */
  summary: string;
  /** More lines for `labflow help NAME`: what it does beyond the summary. */
  details?: string;
  args?: ArgumentSpec[];
  options: O;
  /**
   * The command only looks at (or acts on) what already exists: without a data folder it says so
   * and exits 1, instead of creating one.
   */
  needsExistingDataFolder?: boolean;
  run(input: CommandInput<O>): Promise<number>;
}

/**
 * Commands under one word (`labflow pipeline status|load|eject|ready`, `labflow cluster ...`):
 * one entry of the command table.
 */
export interface CommandFamily {
  name: string;
  summary: string;
  commands: CommandSpec[];
  /** The command `labflow NAME` runs without one (`labflow pipeline` = `labflow pipeline status`). */
  defaultCommand?: string;
}

export type CommandTableEntry = CommandSpec | CommandFamily;

/**
 * Declares a command with its handler typed by its own options. The result is stored in the table
 * without the option types (each handler only ever receives what its own spec parsed).
 */
export function defineCommand<O extends OptionSpecs>(spec: CommandSpec<O>): CommandSpec {
  return spec as unknown as CommandSpec;
}

export function isFamily(entry: CommandTableEntry): entry is CommandFamily {
  return "commands" in entry;
}
