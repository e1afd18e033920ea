/**
 * Request/response over a LinePort, one request at a time per port: a command line goes out, the
 * next reply line answers it (or a timeout, then retries). Lines the instrument sends on its own
 * (streamed data) are told apart by `isUnsolicited` and routed to `onUnsolicited`, never taken
 * for a reply.
 *
 * Replies carry no tag saying which command they answer, so they are matched by order. A request
 * that timed out still owes its reply: the instrument may only be slow (a `*RST` that takes longer
 * than the timeout). Taking that late reply for the next request would shift every later reply by
 * one, so the line counts the replies still owed and drops that many before answering anything.
 * Before the next command goes out it waits (one more timeout at most) for an owed reply, so a
 * reply never crosses a command; one that never comes is given up after that wait. A retry takes
 * the late reply of its own earlier attempt as its answer. A port that closes or opens again owes
 * nothing.
 */
import { LinePort, type LinePortOptions } from "./line-port.js";

export interface SerialLineOptions extends LinePortOptions {
  /** Which incoming lines are not replies (e.g. `DATA ...` readings). */
  isUnsolicited(line: string): boolean;
  /** Which replies report an error; the promise of the request rejects with it. */
  isError?(line: string): boolean;
  timeoutMs?: number;
  retries?: number;
  /** Told when a late reply is dropped or given up. */
  log?: (message: string) => void;
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

/** Replies owed by requests that timed out, and who waits for them to arrive. */
interface Owed {
  count: number;
  /** The command whose reply is owed last, for the log. */
  command: string;
  /** How long to wait for it before giving it up: that command's own timeout. */
  graceMs: number;
  /** Called once nothing is owed any more, with the last owed reply when it came. */
  settled: ((reply: string | undefined) => void) | undefined;
}

export class SerialLine {
  readonly port: LinePort;
  private readonly options: SerialLineOptions;
  private queue: Promise<unknown> = Promise.resolve();
  private pending: Pending | undefined;
  private readonly owed: Owed = { count: 0, command: "", graceMs: 0, settled: undefined };
  private readonly unsolicited = new Set<(line: string) => void>();

  constructor(options: SerialLineOptions) {
    this.options = options;
    this.port = new LinePort(options);
    this.port.on("line", (line) => this.onLine(line));
    this.port.on("lost", (reason) => {
      this.forgetOwed();
      this.pending?.reject(new Error(reason));
    });
    // A reopened port starts afresh: whatever the old link owed is gone with it.
    this.port.on("open", () => this.forgetOwed());
  }

  get path(): string {
    return this.port.path;
  }

  /** Replies still owed by requests that timed out (they will be dropped when they come). */
  get lateReplies(): number {
    return this.owed.count;
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
      const late = await this.settleOwed();
      // After a timeout of this very command, its late reply answers it: no need to send it again.
      if (late !== undefined && attempt > 0) return this.answer(command, late);
      if (late !== undefined)
        this.options.log?.(`${this.path}: dropped a late reply "${late.slice(0, 200)}"`);
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
        // Its reply may still come: it is owed, and dropped when it does.
        this.owed.count++;
        this.owed.command = command;
        this.owed.graceMs = timeoutMs;
        reject(new TimeoutError(`${this.path}: no reply to "${command}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending = {
        resolve: (line) => {
          clearTimeout(timer);
          this.pending = undefined;
          try {
            resolve(this.answer(command, line));
          } catch (error) {
            reject(error);
          }
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

  /** The reply line, or the instrument's refusal. */
  private answer(command: string, line: string): string {
    if (this.options.isError?.(line)) throw new InstrumentReplyError(this.path, command, line);
    return line;
  }

  /**
   * Waits until the owed replies arrived, or the timeout of the command that owes them passed
   * again (then they are given up). Resolves with the last owed reply when it came.
   */
  private async settleOwed(): Promise<string | undefined> {
    if (this.owed.count === 0) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const outcome = await new Promise<{ reply: string | undefined } | "late">((resolve) => {
      this.owed.settled = (reply) => resolve({ reply });
      timer = setTimeout(() => resolve("late"), this.owed.graceMs);
    });
    clearTimeout(timer);
    this.owed.settled = undefined;
    if (outcome !== "late") return outcome.reply;
    this.options.log?.(
      `${this.path}: gave up waiting for the late reply to "${this.owed.command}" (${this.owed.count} owed)`,
    );
    this.forgetOwed();
    return undefined;
  }

  private forgetOwed(reply?: string): void {
    this.owed.count = 0;
    const settled = this.owed.settled;
    this.owed.settled = undefined;
    settled?.(reply);
  }

  private onLine(line: string): void {
    if (this.options.isUnsolicited(line)) {
      for (const listener of this.unsolicited) listener(line);
      return;
    }
    if (this.owed.count > 0) {
      this.owed.count--;
      // The request waiting for the last owed reply decides what it is (dropped, or its answer).
      if (this.owed.count === 0 && this.owed.settled) this.forgetOwed(line);
      else this.options.log?.(`${this.path}: dropped a late reply "${line.slice(0, 200)}"`);
      return;
    }
    // A reply nobody waits for (and nobody owes) is dropped rather than answering the next one.
    this.pending?.resolve(line);
  }
}

class TimeoutError extends Error {}
