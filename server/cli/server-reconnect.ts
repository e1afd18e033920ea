/**
 * When the `labflow serve` a command follows a run through goes away (SIGKILL, a restart, a
 * reboot), the run goes on with the data folder: the next server continues it. This waits for that
 * server, found as every command finds it (its URL in `<data>/owner.json`, its token in
 * `<data>/server-token`), up to a deadline, saying on stderr what it waits for.
 */
import { readDataFolderOwner } from "../store/data-folder-owner.js";
import { CliError } from "./cli-error.js";
import { readServerToken } from "./server-token-file.js";

export interface ServerAddress {
  url: string;
  token: string | undefined;
}

export interface ReconnectOptions {
  /** The data folder whose server is waited for. */
  dataDir: string;
  /** How long to wait before giving up (a CliError). */
  timeoutMs: number;
  /** How often to look for the server. */
  pollMs?: number;
}

/**
 * Asks `ask` of the data folder's server until one answers (the same server back on its port, or a
 * new one elsewhere with a new token), or the deadline passes. `what` says, for people, what goes
 * on meanwhile (e.g. "run RUN goes on with the data folder").
 */
export async function reachNextServer<T>(
  options: ReconnectOptions,
  lost: { url: string; reason: string },
  what: string,
  ask: (server: ServerAddress) => Promise<T>,
): Promise<{ server: ServerAddress; answer: T }> {
  const { dataDir, timeoutMs, pollMs = 500 } = options;
  console.error(
    `labflow: lost labflow serve at ${lost.url} (${lost.reason}); ${what}: waiting up to ${duration(timeoutMs)} for the server of ${dataDir} to come back`,
  );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const server = currentServer(dataDir);
    if (server) {
      try {
        const answer = await ask(server);
        console.error(`labflow: reconnected to labflow serve at ${server.url}`);
        return { server, answer };
      } catch {
        // Not up yet: a stale owner.json of the killed server, or the new one still starting (its
        // token written a moment before its URL). Asked again until the deadline.
      }
    }
    if (Date.now() >= deadline)
      throw new CliError(
        `no labflow serve came back for ${dataDir} within ${duration(timeoutMs)}; ${what} (see labflow status once a server runs)`,
      );
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, Math.max(0, deadline - Date.now()))));
  }
}

/** Where the folder's server says it listens, if any says so now. */
function currentServer(dataDir: string): ServerAddress | undefined {
  try {
    const url = readDataFolderOwner(dataDir)?.url;
    return url ? { url, token: readServerToken(dataDir) ?? process.env.LABFLOW_TOKEN } : undefined;
  } catch {
    // Unreadable for a moment (being replaced): looked at again.
    return undefined;
  }
}

function duration(ms: number): string {
  return ms >= 60_000 && ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`;
}
