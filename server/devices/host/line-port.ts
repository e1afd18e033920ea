/**
 * A serial port as a stream of text lines that survives the port going away: when the link
 * disappears (USB adapter pulled, socat killed) it reports `lost` and tries to open the same path
 * again every `reopenMs` until it comes back, then reports `open`. Used by the driver side
 * (through SerialLine) and by the simulated instrument.
 */
import { EventEmitter } from "node:events";
import { SerialPort } from "serialport";
import { hangupAwareBinding } from "./hangup-aware-binding.js";

export interface LinePortOptions {
  path: string;
  baudRate?: number;
  /** How often to try to open the port while it is absent. */
  reopenMs?: number;
}

/**
 * The longest line kept, in characters: a device that never sends a newline (wrong baud rate, a
 * binary stream) must not grow memory without bound. The excess of a longer line is dropped.
 */
export const MAX_LINE_LENGTH = 64 * 1024;

export interface LinePortEvents {
  line: [line: string];
  /** Something was wrong with what arrived (e.g. a line too long); the port keeps working. */
  warning: [message: string];
  open: [];
  /** The port closed without being asked to (link gone); reopen attempts follow. */
  lost: [reason: string];
  /** An attempt to open failed (reported once per outage, not per attempt). */
  unavailable: [reason: string];
}

export class LinePort extends EventEmitter<LinePortEvents> {
  readonly path: string;
  private readonly baudRate: number;
  private readonly reopenMs: number;
  private port: SerialPort | undefined;
  private partial = "";
  /** The line being received is longer than MAX_LINE_LENGTH: the rest of it is dropped. */
  private overlong = false;
  private closing = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private lastProblem: string | undefined;

  constructor(options: LinePortOptions) {
    super();
    this.path = options.path;
    this.baudRate = options.baudRate ?? 115_200;
    this.reopenMs = Math.max(50, options.reopenMs ?? 500);
  }

  get isOpen(): boolean {
    return this.port?.isOpen === true;
  }

  /** Why the port is not open, when it is not. */
  get problem(): string | undefined {
    return this.isOpen ? undefined : (this.lastProblem ?? "not opened yet");
  }

  /** Starts opening the port (and keeps trying). Resolves once open, or when the first attempt failed. */
  start(): Promise<boolean> {
    this.closing = false;
    return this.attempt();
  }

  /** Writes one line (a newline is added). Throws when the port is not open. */
  writeLine(line: string): void {
    if (!this.port?.isOpen) throw new Error(`serial port ${this.path} is not open: ${this.problem}`);
    this.port.write(`${line}\n`);
  }

  /** Writes several lines at once (one write call). */
  writeLines(lines: string[]): void {
    if (lines.length === 0) return;
    if (!this.port?.isOpen) throw new Error(`serial port ${this.path} is not open: ${this.problem}`);
    this.port.write(`${lines.join("\n")}\n`);
  }

  /** Closes for good: no more reopen attempts. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.retryTimer);
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  private attempt(): Promise<boolean> {
    clearTimeout(this.retryTimer);
    return new Promise((resolve) => {
      const port = new SerialPort({
        path: this.path,
        baudRate: this.baudRate,
        autoOpen: false,
        // Not in SerialPort's option type, but honoured: it spreads the options over its default binding.
        ...({ binding: hangupAwareBinding } as object),
      });
      port.open((error) => {
        if (this.closing) {
          if (!error) port.close();
          resolve(false);
          return;
        }
        if (error) {
          const reason = `cannot open ${this.path}: ${error.message}`;
          if (reason !== this.lastProblem) this.emit("unavailable", reason);
          this.lastProblem = reason;
          this.scheduleRetry();
          resolve(false);
          return;
        }
        this.adopt(port);
        resolve(true);
      });
    });
  }

  private adopt(port: SerialPort): void {
    this.port = port;
    this.partial = "";
    this.overlong = false;
    this.lastProblem = undefined;
    port.setEncoding("utf8");
    // A data listener keeps the port reading, which is also how a vanished link is noticed.
    port.on("data", (chunk: string) => this.onData(chunk));
    port.on("error", (error) => {
      this.lastProblem = `${this.path}: ${error.message}`;
    });
    port.on("close", (error?: Error & { disconnected?: boolean }) => {
      if (this.port !== port) return;
      this.port = undefined;
      if (this.closing) return;
      const reason = `serial port ${this.path} closed${error ? ` (${error.message})` : ""}`;
      this.lastProblem = reason;
      this.emit("lost", reason);
      this.scheduleRetry();
    });
    this.emit("open");
  }

  private onData(chunk: string): void {
    for (let from = 0; ; ) {
      const end = chunk.indexOf("\n", from);
      this.collect(chunk.slice(from, end === -1 ? undefined : end));
      if (end === -1) return;
      const raw = this.partial;
      this.partial = "";
      this.overlong = false;
      const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
      // A line cut short is still handed on: as a reply, it keeps replies and requests in step.
      if (line.length > 0) this.emit("line", line);
      from = end + 1;
    }
  }

  /** Adds text to the line being received, up to MAX_LINE_LENGTH. */
  private collect(text: string): void {
    if (this.overlong || text.length === 0) return;
    this.partial += text;
    if (this.partial.length <= MAX_LINE_LENGTH) return;
    this.partial = this.partial.slice(0, MAX_LINE_LENGTH);
    this.overlong = true;
    this.emit(
      "warning",
      `serial port ${this.path}: line longer than ${MAX_LINE_LENGTH} characters; the rest of it is dropped`,
    );
  }

  private scheduleRetry(): void {
    if (this.closing) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.attempt(), this.reopenMs);
  }
}
