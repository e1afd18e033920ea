/** Reading a job's output files in chunks, for `JobHandle.stdout` and `stderr`. */
import { closeSync, existsSync, fstatSync, openSync, readSync } from "node:fs";

/** A chunk of a job's output stream, read from `offset` (bytes). */
export interface LogChunk {
  text: string;
  /** The offset to ask for next. */
  nextOffset: number;
  /** The stream's whole length in bytes, when known: a viewer may start near its end. */
  size?: number;
}

/**
 * Reads a file from a byte offset, at most `max` bytes, never splitting a UTF-8 character; tells the
 * file's size too. What a handle's `stdout(offset)` / `stderr(offset)` answer for an output file.
 */
export function readFrom(path: string, offset: number, max = 1 << 20): Required<LogChunk> {
  if (!existsSync(path)) return { text: "", nextOffset: offset, size: 0 };
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const length = Math.max(0, Math.min(max, size - offset));
    if (length === 0) return { text: "", nextOffset: offset, size };
    const buffer = Buffer.alloc(length);
    const read = readSync(fd, buffer, 0, length, offset);
    // Stop at the last complete UTF-8 character so a chunk never splits one.
    let end = read;
    while (end > 0 && ((buffer[end - 1] as number) & 0xc0) === 0x80) end--;
    if (end > 0 && (buffer[end - 1] as number) >= 0xc0) end--;
    if (end === 0) end = read;
    return { text: buffer.subarray(0, end).toString("utf8"), nextOffset: offset + end, size };
  } finally {
    closeSync(fd);
  }
}
