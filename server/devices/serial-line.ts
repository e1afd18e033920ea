/**
 * Request/response over a LinePort, one request at a time per port: a command line goes out, the
 * next reply line answers it (or a timeout, then retries). Lines the instrument sends on its own
 * (streamed data) are told apart by `isUnsolicited` and routed to `onUnsolicited`, never taken
 * for a reply.
 */
import { LinePort, type LinePortOptions } from "./line-port.js";

export interface SerialLineOptions extends LinePortOptions {
  /** Which incoming lines are not replies (e.g. `DATA ...` readings). */
  isUnsolicited(line: string): boolean;
  /** Which replies report an error; the promise of the request rejects with it. */
  isError?(line: string): boolean;
  timeoutMs?: number;
  retries?: number;
}

export interface RequestOptions {
  timeoutMs?: number;
  /** Extra attempts after a timeout; give 0 for commands that must not run twice. */
  retries?: number;
}

/** The instrument answered with an error line. */
export class InstrumentReplyError extends Error {
  constructor(
    readonly port: string,
    readonly command: string,
    readonly reply: string,
  ) {
    super(`${port}: "${command}" was refused: ${reply}`);
  }
}

interface Pending {
  resolve(line: string): void;
  reject(error: Error): void;
}

export class SerialLine {
  readonly port: LinePort;
  private readonly options: SerialLineOptions;
  private queue: Promise<unknown> = Promise.resolve();
  private pending: Pending | undefined;
  private readonly unsolicited = new Set<(line: string) => void>();

  constructor(options: SerialLineOptions) {
    this.options = options;
    this.port = new LinePort(options);
    this.port.on("line", (line) => this.onLine(line));
    this.port.on("lost", (reason) => this.pending?.reject(new Error(reason)));
  }

  get path(): string {
    return this.port.path;
  }

  /** Subscribes to unsolicited lines; returns the unsubscribe function. */
  onUnsolicited(listener: (line: string) => void): () => void {
    this.unsolicited.add(listener);
    return () => this.unsolicited.delete(listener);
  }

  /** Sends `command` and resolves with its reply line, after the requests queued before it. */
  request(command: string, options: RequestOptions = {}): Promise<string> {
    const run = this.queue.then(() => this.attempts(command, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async attempts(command: string, options: RequestOptions): Promise<string> {
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? 1000;
    const retries = options.retries ?? this.options.retries ?? 2;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(command, timeoutMs);
      } catch (error) {
        const timedOut = error instanceof TimeoutError;
        if (!timedOut || attempt >= retries) throw error;
      }
    }
  }

  private once(command: string, timeoutMs: number): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        reject(new TimeoutError(`${this.path}: no reply to "${command}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending = {
        resolve: (line) => {
          clearTimeout(timer);
          this.pending = undefined;
          if (this.options.isError?.(line)) reject(new InstrumentReplyError(this.path, command, line));
          else resolve(line);
        },
        reject: (error) => {
          clearTimeout(timer);
          this.pending = undefined;
          reject(error);
        },
      };
      try {
        this.port.writeLine(command);
      } catch (error) {
        this.pending.reject(error as Error);
      }
    });
  }

  private onLine(line: string): void {
    if (this.options.isUnsolicited(line)) {
      for (const listener of this.unsolicited) listener(line);
      return;
    }
    // A reply nobody waits for (its request timed out) is dropped rather than answering the next one.
    this.pending?.resolve(line);
  }
}

class TimeoutError extends Error {}
