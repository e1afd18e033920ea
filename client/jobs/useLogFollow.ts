/**
 * Follows a job's stdout or stderr: reads from byte offset 0, then asks again from `nextOffset`
 * every second while the view is open (a finished job's last output still shows; an empty answer
 * costs little). Keeps the last MAX_CHARS characters. A stream longer than that (the first answer
 * tells its size) is read from its last MAX_CHARS bytes, not from its start.
 */
import { useEffect, useState } from "react";
import type { LogChunkView as LogChunk } from "../../server/schema/views.js";
import { ApiError } from "../platform/api/api-client.js";
import type { LogStream } from "./job-types.js";
import { jobsApi } from "./jobs-api.js";

const POLL_MS = 1_000;
const MAX_CHARS = 1_000_000;

/** Where to read next after the first answer: near the end of a stream too long to show whole. */
export function firstFollowOffset(chunk: LogChunk, maxChars = MAX_CHARS): number | undefined {
  const tail = Math.max(0, (chunk.size ?? 0) - maxChars);
  return tail > chunk.nextOffset ? tail : undefined;
}

export interface LogState {
  text: string;
  /** The start was cut (the view keeps the last MAX_CHARS characters). */
  truncated: boolean;
  error?: string;
  /** No such stream (e.g. a timer has no stdout): nothing to follow. */
  missing: boolean;
}

export function useLogFollow(jobId: string, stream: LogStream): LogState {
  const [state, setState] = useState<LogState>({ text: "", truncated: false, missing: false });

  useEffect(() => {
    setState({ text: "", truncated: false, missing: false });
    let offset = 0;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async () => {
      try {
        // Read until nothing new: a big log arrives in a few requests, not one per second.
        for (let i = 0; i < 20 && !stopped; i++) {
          const chunk = await jobsApi.log(jobId, stream, offset);
          if (stopped) return;
          const skipTo = offset === 0 ? firstFollowOffset(chunk) : undefined;
          if (skipTo !== undefined) {
            // The start of a long log is not shown: read its last part instead.
            offset = skipTo;
            setState((s) => ({ ...s, truncated: true }));
            continue;
          }
          const grew = chunk.nextOffset > offset;
          offset = chunk.nextOffset;
          if (chunk.text) {
            setState((s) => {
              const text = s.text + chunk.text;
              const cut = text.length > MAX_CHARS;
              return {
                ...s,
                error: undefined,
                text: cut ? text.slice(-MAX_CHARS) : text,
                truncated: s.truncated || cut,
              };
            });
          } else setState((s) => (s.error ? { ...s, error: undefined } : s));
          if (!grew) break;
        }
      } catch (error) {
        if (error instanceof ApiError && error.info.code === "no_log") {
          setState((s) => ({ ...s, missing: true, error: error.message }));
          return;
        }
        setState((s) => ({ ...s, error: error instanceof Error ? error.message : String(error) }));
      }
      if (!stopped) timer = setTimeout(read, POLL_MS);
    };
    void read();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [jobId, stream]);
  return state;
}
