/** The help texts, generated from the command table: nothing about a command is written twice. */
import { HELP_OPTION, usageLine } from "./command-line.js";
import {
  type CommandFamily,
  type CommandSpec,
  type CommandTableEntry,
  isFamily,
  type OptionSpecs,
} from "./command-spec.js";

/** `labflow --help`: every command, with its arguments and summary. */
export function globalHelp(table: readonly CommandTableEntry[]): string {
  const rows: [string, string][] = [];
  for (const entry of table) {
    if (!isFamily(entry)) rows.push([commandWithArgs(entry, entry.name), entry.summary]);
    else
      for (const command of entry.commands)
        rows.push([commandWithArgs(command, `${entry.name} ${command.name}`), command.summary]);
  }
  return [
    "usage: labflow <command> [options]",
    "",
    "commands:",
    ...columns(rows),
    "",
    "labflow help COMMAND (or labflow COMMAND --help) shows a command's options.",
    "labflow --version prints the version.",
  ].join("\n");
}

/** `labflow pipeline --help`: the family's commands. */
export function familyHelp(family: CommandFamily): string {
  const rows = family.commands.map((c): [string, string] => [
    commandWithArgs(c, `${family.name} ${c.name}`),
    c.summary,
  ]);
  const fallback = family.defaultCommand
    ? `\nlabflow ${family.name} alone is labflow ${family.name} ${family.defaultCommand}.`
    : "";
  return [
    `usage: labflow ${family.name} <command> [options]`,
    "",
    `${sentence(family.summary)}`,
    "",
    "commands:",
    ...columns(rows),
    "",
    `labflow help ${family.name} COMMAND shows a command's options.${fallback}`,
  ].join("\n");
}

/** `labflow help run`, `labflow run --help`: the command's usage and its own options. */
export function commandHelp(command: CommandSpec, path: string): string {
  const options: OptionSpecs = { ...command.options, ...HELP_OPTION };
  const rows = Object.entries(options).map(([name, spec]): [string, string] => [
    `${spec.short ? `-${spec.short}, ` : ""}--${name}${spec.type === "string" ? ` ${spec.value ?? "VALUE"}` : ""}`,
    spec.description,
  ]);
  return [
    `usage: ${usageLine(command, path)}`,
    "",
    `${sentence(command.summary)}`,
    ...(command.details ? [command.details] : []),
    "",
    "options:",
    ...columns(rows),
  ].join("\n");
}

/** A summary as the first sentence of a help text. */
function sentence(summary: string): string {
  return `${summary.charAt(0).toUpperCase()}${summary.slice(1)}.`;
}

function commandWithArgs(command: CommandSpec, path: string): string {
  return [path, ...(command.args ?? []).map((a) => (a.optional ? `[${a.name}]` : a.name))].join(" ");
}

/** Two columns, the second aligned (and on its own line after a long first one). */
function columns(rows: [string, string][]): string[] {
  const width = Math.min(30, Math.max(...rows.map(([left]) => left.length)));
  return rows.map(([left, right]) =>
    left.length > width ? `  ${left}\n  ${" ".repeat(width)}  ${right}` : `  ${left.padEnd(width)}  ${right}`,
  );
}
