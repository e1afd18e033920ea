/**
 * One shared subscription to `/api/events` for the instrument views (plots, the Pipelines panel):
 * job data, job events and pipeline changes. The socket opens with the first listener and closes with the last, so a page with several plots
 * holds one connection. After every (re)connection `onConnected` runs, so a view fetches what it may
 * have missed while the socket was down.
 */
import { connectEvents, type EventsConnection } from "../events/events-socket.js";
import type { JobView } from "../jobs/job-types.js";
import type { JobDataEvent, PipelineView } from "./instrument-types.js";

export interface InstrumentEventsListener {
  onData?(event: JobDataEvent): void;
  onJob?(job: JobView): void;
  /** A pipeline changed (sample, ready, the job holding it), by whoever: the UI, the CLI, a job. */
  onPipeline?(pipeline: PipelineView): void;
  onConnected?(): void;
}

const listeners = new Set<InstrumentEventsListener>();
let connection: EventsConnection | undefined;

function dispatch(message: unknown): void {
  if (!message || typeof message !== "object") return;
  const typed = message as { type?: unknown; job?: JobView; pipeline?: PipelineView };
  if (typed.type === "job.data") {
    const event = message as JobDataEvent;
    for (const listener of listeners) listener.onData?.(event);
  } else if (typed.type === "job" && typed.job) {
    for (const listener of listeners) listener.onJob?.(typed.job);
  } else if (typed.type === "pipeline" && typed.pipeline) {
    for (const listener of listeners) listener.onPipeline?.(typed.pipeline);
  }
}

/** Listens to job data and job events; returns the function that stops listening. */
export function listenToInstrumentEvents(listener: InstrumentEventsListener): () => void {
  listeners.add(listener);
  connection ??= connectEvents({
    onMessage: dispatch,
    onOpen() {
      for (const l of listeners) l.onConnected?.();
    },
  });
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      connection?.close();
      connection = undefined;
    }
  };
}
