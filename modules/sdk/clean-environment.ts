/**
 * The environment a job's command (and a driver host) gets: a short allow-list of the server's
 * variables, never the rest. A server's environment often holds secrets (LABFLOW_TOKEN, cloud keys, database passwords)
 * that a command's output or a shared job file could leak; what a command needs beyond the list it
 * names in the module's `env` param. docs/security.md documents the list.
 */

/** Variables passed from the server's environment when set there. */
export const JOB_ENV_ALLOWED: readonly string[] = [
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "SHELL",
  "LANG",
  "LANGUAGE",
  "TZ",
  "TMPDIR",
  "TERM",
];

/** Locale categories (LC_ALL, LC_NUMERIC, ...) are passed too: they change how numbers print. */
const ALLOWED_PREFIX = "LC_";

const DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

/** The allowed part of `serverEnv`, then `extra` (the module's `env` param) on top. */
export function jobEnvironment(
  serverEnv: NodeJS.ProcessEnv,
  extra: Record<string, string> = {},
): Record<string, string> {
  const env: Record<string, string> = { PATH: DEFAULT_PATH };
  for (const [key, value] of Object.entries(serverEnv)) {
    if (value === undefined) continue;
    if (JOB_ENV_ALLOWED.includes(key) || key.startsWith(ALLOWED_PREFIX)) env[key] = value;
  }
  for (const [key, value] of Object.entries(extra)) env[key] = value;
  return env;
}

/**
 * A driver host's environment: the same allow-list (a driver is code of the lab's, run beside
 * the server, and needs none of its secrets either), plus where this user's private sockets go.
 */
export function driverHostEnvironment(serverEnv: NodeJS.ProcessEnv): Record<string, string> {
  const runtimeDir = serverEnv.XDG_RUNTIME_DIR;
  return jobEnvironment(serverEnv, runtimeDir ? { XDG_RUNTIME_DIR: runtimeDir } : {});
}
