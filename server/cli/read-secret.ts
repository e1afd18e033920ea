/**
 * Reads secrets for `labflow cluster login`: from a prompt that does not echo (a terminal), or
 * line by line from standard input (a pipe: `pass show slurm | labflow cluster login scarf`).
 * Never from the command line, where `ps` and shell histories would keep them.
 */
import { createInterface } from "node:readline";
import { Writable } from "node:stream";

export interface SecretReader {
  /** One answer; `hidden` answers are not echoed on a terminal. */
  ask(question: string, hidden: boolean): Promise<string>;
  close(): void;
}

export function secretReader(): SecretReader {
  const terminal = process.stdin.isTTY === true;
  let muted = false;
  // What readline echoes goes through here: nothing while a hidden answer is typed.
  const output = new Writable({
    write(chunk, _encoding, callback) {
      if (!muted) process.stderr.write(chunk);
      callback();
    },
  });
  const lines = createInterface({ input: process.stdin, output, terminal });
  const queue: string[] = [];
  const waiting: ((line: string | undefined) => void)[] = [];
  let ended = false;
  lines.on("line", (line) => {
    const next = waiting.shift();
    if (next) next(line);
    else queue.push(line);
  });
  lines.on("close", () => {
    ended = true;
    for (const next of waiting.splice(0)) next(undefined);
  });
  return {
    async ask(question, hidden) {
      if (terminal) {
        process.stderr.write(question);
        muted = hidden;
      }
      const line =
        queue.shift() ?? (ended ? undefined : await new Promise<string | undefined>((r) => waiting.push(r)));
      if (terminal) {
        muted = false;
        if (hidden) process.stderr.write("\n");
      }
      return (line ?? "").trim();
    },
    close() {
      lines.close();
    },
  };
}
