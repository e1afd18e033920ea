/** Parsing and help generated from a command table: each command's own options, families as one entry. */
import { describe, expect, it } from "vitest";
import { parseCommandLine, UsageError } from "../../../server/cli/command-line.js";
import {
  type CommandFamily,
  type CommandTableEntry,
  defineCommand,
} from "../../../server/cli/command-spec.js";
import { commandHelp, familyHelp, globalHelp } from "../../../server/cli/help-text.js";

const run = defineCommand({
  name: "run",
  summary: "run a workflow",
  args: [{ name: "FILE" }],
  options: {
    json: { type: "boolean", description: "print JSON" },
    rerun: { type: "string", value: "a,b|all", description: "start afresh" },
  },
  run: async () => 0,
});

const status = defineCommand({
  name: "status",
  summary: "list runs",
  args: [{ name: "RUN", optional: true }],
  options: { json: { type: "boolean", description: "print JSON" } },
  run: async () => 0,
});

/** A family as the cluster commands will add one: a single entry of the table. */
const cluster: CommandFamily = {
  name: "cluster",
  summary: "cluster jobs",
  defaultCommand: "status",
  commands: [
    defineCommand({ name: "status", summary: "queues and jobs", options: {}, run: async () => 0 }),
    defineCommand({
      name: "submit",
      summary: "submit a job",
      args: [{ name: "SCRIPT" }],
      options: { queue: { type: "string", value: "QUEUE", description: "where" } },
      run: async () => 0,
    }),
  ],
};

const table: CommandTableEntry[] = [run, status, cluster];

function usageError(argv: string[]): { path: string | undefined; message: string } {
  try {
    parseCommandLine(table, argv);
  } catch (error) {
    if (error instanceof UsageError) return { path: error.path, message: error.message };
    throw error;
  }
  throw new Error(`${argv.join(" ")} was accepted`);
}

describe("parseCommandLine", () => {
  it("gives a command its own options and arguments", () => {
    expect(parseCommandLine(table, ["run", "wf.json", "--json", "--rerun", "a,b"])).toMatchObject({
      kind: "command",
      path: "run",
      values: { json: true, rerun: "a,b" },
      args: ["wf.json"],
    });
  });

  it("refuses an option another command takes, naming the command", () => {
    expect(usageError(["status", "--rerun", "x"])).toEqual({
      path: "status",
      message: "unknown option --rerun (labflow status --help lists its options)",
    });
  });

  it("refuses a string option without its value, and a missing or extra argument", () => {
    expect(usageError(["run", "wf.json", "--rerun"]).message).toBe("--rerun needs a value (--rerun a,b|all)");
    expect(usageError(["run", "wf.json", "--rerun", "--json"]).message).toMatch(/^--rerun needs a value/);
    expect(usageError(["run"]).message).toBe("missing FILE (usage: labflow run FILE [options])");
    expect(usageError(["status", "a", "b"]).message).toBe('unexpected argument "b"');
  });

  it("reads help and the version", () => {
    expect(parseCommandLine(table, ["--help"])).toEqual({ kind: "help" });
    expect(parseCommandLine(table, ["--version"])).toEqual({ kind: "version" });
    expect(parseCommandLine(table, ["run", "--help"])).toEqual({
      kind: "help",
      topic: { command: run, path: "run" },
    });
    expect(parseCommandLine(table, ["help", "run"])).toEqual({
      kind: "help",
      topic: { command: run, path: "run" },
    });
    expect(parseCommandLine(table, ["help", "cluster"])).toEqual({ kind: "help", topic: cluster });
  });

  it("reads a family's commands, and its default command alone", () => {
    expect(parseCommandLine(table, ["cluster", "submit", "job.sh", "--queue", "short"])).toMatchObject({
      kind: "command",
      path: "cluster submit",
      values: { queue: "short" },
      args: ["job.sh"],
    });
    expect(parseCommandLine(table, ["cluster"])).toMatchObject({ kind: "command", path: "cluster status" });
    expect(usageError(["cluster", "status", "--queue", "x"]).path).toBe("cluster status");
    expect(usageError(["cluster", "nope"]).message).toBe('unknown command "nope" (one of: status, submit)');
  });

  it("takes --data before the command, as it always did", () => {
    const withData = defineCommand({
      name: "jobs",
      summary: "list jobs",
      options: { data: { type: "string", value: "DIR", description: "data folder" } },
      run: async () => 0,
    });
    expect(parseCommandLine([withData], ["--data", "/d", "jobs"])).toMatchObject({ values: { data: "/d" } });
  });
});

describe("help texts", () => {
  it("lists every command, family commands by their full name", () => {
    const text = globalHelp(table);
    expect(text).toMatch(/^ {2}run FILE +run a workflow$/m);
    expect(text).toMatch(/^ {2}cluster submit SCRIPT +submit a job$/m);
  });

  it("shows one command's usage and own options only", () => {
    const text = commandHelp(status, "status");
    expect(text).toMatch(/^usage: labflow status \[RUN\] \[options\]\n/);
    expect(text).toContain("--json");
    expect(text).toContain("-h, --help");
    expect(text).not.toContain("--rerun");
  });

  it("shows a family's commands", () => {
    expect(familyHelp(cluster)).toContain("labflow cluster alone is labflow cluster status.");
  });
});
