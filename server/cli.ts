/**
 * The `labflow` command. What each command is (its options, help and handler) is in the command
 * table (cli/command-table.ts); this file only reads the command line and ends the process.
 */
import { parseCommandLine } from "./cli/command-line.js";
import { COMMAND_TABLE } from "./cli/command-table.js";
import { dataFolder, requireExistingDataFolder } from "./cli/data-folder-option.js";
import { commandHelp, familyHelp, globalHelp } from "./cli/help-text.js";
import { reportError } from "./cli/report-error.js";
import { labflowVersion } from "./cli/version.js";
import { PRIVATE_UMASK } from "./store/private-files.js";

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0) {
    console.error(globalHelp(COMMAND_TABLE));
    return 2;
  }
  const line = parseCommandLine(COMMAND_TABLE, argv);
  switch (line.kind) {
    case "version":
      console.log(labflowVersion());
      return 0;
    case "help": {
      const topic = line.topic;
      if (!topic) console.log(globalHelp(COMMAND_TABLE));
      else if ("commands" in topic) console.log(familyHelp(topic));
      else console.log(commandHelp(topic.command, topic.path));
      return 0;
    }
    case "command": {
      const { command, values, args } = line;
      if (command.needsExistingDataFolder)
        requireExistingDataFolder(dataFolder(values.data as string | undefined));
      return command.run({ values, args });
    }
  }
}

// Everything labflow creates (data folder, database, job files, logs) is for this user only.
process.umask(PRIVATE_UMASK);
// A reader that stops early (`labflow snapshot JOB | head`) closes the pipe: end quietly (exit 0),
// as Unix tools do, instead of a stack trace of EPIPE.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});
// Until a command says otherwise, ending is a failure: a promise left pending must never exit 0.
process.exitCode = 1;
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.exitCode = reportError(error);
  },
);
