/**
 * The instrument views' subscription (plots, the Pipelines panel) to the tab's one event connection
 * (events-socket.ts): job data, job events and pipeline changes. After every (re)connection
 * `onConnected` runs, so a view fetches what it may have missed while the socket was down.
 */
import type { JobDataMessage } from "../../server/schema/messages.js";
import type { PipelineStatusView } from "../../server/schema/pipelines-api.js";
import type { JobView } from "../../server/schema/views.js";
import { connectEvents } from "../platform/events/events-socket.js";

export interface InstrumentEventsListener {
  onData?(event: JobDataMessage): void;
  onJob?(job: JobView): void;
  /** A pipeline changed (sample, ready, the job holding it), by whoever: the UI, the CLI, a job. */
  onPipeline?(pipeline: PipelineStatusView): void;
  onConnected?(): void;
}

/** Listens to job data, job and pipeline events; returns the function that stops listening. */
export function listenToInstrumentEvents(listener: InstrumentEventsListener): () => void {
  const connection = connectEvents({
    onMessage(message) {
      if (message.type === "job.data") listener.onData?.(message);
      else if (message.type === "job") listener.onJob?.(message.job);
      else if (message.type === "pipeline") listener.onPipeline?.(message.pipeline);
    },
    onOpen: () => listener.onConnected?.(),
  });
  return () => connection.close();
}
