/**
 * An error a module raises on purpose, with a stable code (e.g. `path_outside_workspace`), so the
 * run record and the people reading it can tell it from a bug. The engine adds the module id.
 */
export class ModuleError extends Error {
  readonly code: string;
  readonly port: string | undefined;

  constructor(code: string, message: string, options: { port?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "ModuleError";
    this.code = code;
    this.port = options.port;
  }
}
