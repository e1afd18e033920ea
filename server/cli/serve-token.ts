/**
 * Which token `labflow serve` uses: LABFLOW_TOKEN, or a file given with `--token-file` that only
 * its owner can read, or else a fresh random one (as Jupyter does). Never one from the command
 * line, which every user of the machine sees in `ps`.
 */
import { readFileSync, statSync } from "node:fs";
import { generateToken, tokenProblem } from "../http/access-token.js";
import { CliError } from "./cli-error.js";

export interface ServeTokenSources {
  /** `--token` on the command line: refused. */
  argument?: string;
  tokenFile?: string;
  env?: string;
}

export interface ServeToken {
  token: string;
  source: "LABFLOW_TOKEN" | "--token-file" | "generated";
}

export function resolveServeToken(sources: ServeTokenSources): ServeToken {
  if (sources.argument !== undefined)
    throw new CliError(
      "--token shows the token to every user of this machine (ps): put it in LABFLOW_TOKEN, or in a " +
        "file only you can read (chmod 600) given with --token-file",
      2,
    );
  if (sources.tokenFile !== undefined)
    return { token: checked(readTokenFile(sources.tokenFile), sources.tokenFile), source: "--token-file" };
  if (sources.env !== undefined)
    return { token: checked(sources.env, "LABFLOW_TOKEN"), source: "LABFLOW_TOKEN" };
  return { token: generateToken(), source: "generated" };
}

function checked(token: string, where: string): string {
  const problem = tokenProblem(token);
  if (problem) throw new CliError(`${where}: ${problem}`, 2);
  return token;
}

function readTokenFile(path: string): string {
  let mode: number;
  let text: string;
  try {
    mode = statSync(path).mode;
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new CliError(`--token-file ${path}: ${(error as Error).message}`, 2);
  }
  if ((mode & 0o077) !== 0)
    throw new CliError(
      `--token-file ${path}: other users may read it (mode ${(mode & 0o777).toString(8)}); chmod 600 it`,
      2,
    );
  // One trailing newline is how editors save a file; other whitespace is refused by the check.
  return text.replace(/\r?\n$/, "");
}
