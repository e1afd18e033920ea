/** A job's stdout or stderr, following new output live, with a Copy button. */
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import type { JobView } from "../../../server/schema/views.js";
import { jobLogUrl } from "../../results/results-api.js";
import type { LogStream } from "../job-types.js";
import { useLogFollow } from "../useLogFollow.js";

interface LogViewProps {
  job: JobView;
  stream: LogStream;
  onStream(stream: LogStream): void;
  onClose(): void;
}

async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // No clipboard API (plain http on another host, or not allowed): the old way.
    const area = document.createElement("textarea");
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
}

export function LogView({ job, stream, onStream, onClose }: LogViewProps) {
  const log = useLogFollow(job.id, stream);
  const pre = useRef<HTMLPreElement>(null);
  const atEnd = useRef(true);
  const [copied, setCopied] = useState(false);

  // Follow the end while the reader is there; leave them be when they scrolled up to read.
  useLayoutEffect(() => {
    const el = pre.current;
    if (el && atEnd.current) el.scrollTop = el.scrollHeight;
  });
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 1_500);
    return () => clearTimeout(timer);
  }, [copied]);

  return (
    <section className="lf-log" aria-label={`${stream} of ${job.moduleId}`}>
      <div className="lf-log-head">
        <strong>
          {stream} of {job.moduleId}
        </strong>
        <span className="lf-muted">{log.missing ? "" : "following"}</span>
        <span className="lf-log-tools">
          <button type="button" onClick={() => onStream(stream === "stdout" ? "stderr" : "stdout")}>
            {stream === "stdout" ? "stderr" : "stdout"}
          </button>
          <button
            type="button"
            onClick={() => void copyText(log.text).then(() => setCopied(true))}
            disabled={log.text === ""}
          >
            {copied ? "Copied" : "Copy"}
          </button>
          {!log.missing && (
            <a
              href={jobLogUrl(job.id, stream)}
              download={`${job.id}-${stream}.txt`}
              aria-label={`Download ${stream}`}
            >
              Download
            </a>
          )}
          <button type="button" onClick={onClose} aria-label="Close the log">
            Close
          </button>
        </span>
      </div>
      {log.error && <p className={log.missing ? "lf-muted" : "lf-error-text"}>{log.error}</p>}
      <pre
        ref={pre}
        className="lf-log-text lf-code"
        data-testid="job-log"
        onScroll={(e) => {
          const el = e.currentTarget;
          atEnd.current = el.scrollHeight - el.scrollTop - el.clientHeight < 8;
        }}
      >
        {log.truncated && "…(earlier output not shown)\n"}
        {log.text === "" && !log.missing && !log.error ? (
          <span className="lf-log-empty">(empty)</span>
        ) : (
          log.text
        )}
      </pre>
    </section>
  );
}
