/**
 * The pipelines, live while the panel is open: fetched at once, again after each job event of an
 * instrument job (a job claims or frees a pipeline) and after each reconnection, and every 2 s
 * besides (the server sends no event when someone loads a sample from the CLI).
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError } from "../api/api-client.js";
import { listenToInstrumentEvents } from "./instrument-events.js";
import { hasJobData, type PipelinesAnswer, type PipelineView } from "./instrument-types.js";
import { instrumentsApi } from "./instruments-api.js";

export const PIPELINES_POLL_MS = 2_000;
/** Job events come in bursts (checks); one fetch covers a burst. */
const AFTER_JOB_EVENT_MS = 200;

export interface PipelineActions {
  /** Each answers the server's refusal as a message, or undefined when it was done. */
  load(name: string, sample: string): Promise<string | undefined>;
  eject(name: string): Promise<string | undefined>;
  ready(name: string, ready: boolean): Promise<string | undefined>;
}

export interface PipelinesData {
  answer: PipelinesAnswer | undefined;
  /** Why the list could not be fetched (the last list stays shown). */
  error: string | undefined;
  actions: PipelineActions;
}

const messageOf = (error: unknown) => (error instanceof ApiError ? error.message : String(error));

export function usePipelines(): PipelinesData {
  const [answer, setAnswer] = useState<PipelinesAnswer>();
  const [error, setError] = useState<string>();
  const seq = useRef(0);

  const refresh = useCallback(async () => {
    const mine = ++seq.current;
    try {
      const next = await instrumentsApi.pipelines();
      if (mine !== seq.current) return; // a newer fetch was sent: its answer wins
      setAnswer(next);
      setError(undefined);
    } catch (e) {
      if (mine === seq.current) setError(messageOf(e));
    }
  }, []);

  useEffect(() => {
    void refresh();
    const poll = setInterval(() => void refresh(), PIPELINES_POLL_MS);
    let soon: ReturnType<typeof setTimeout> | undefined;
    const refreshSoon = () => {
      soon ??= setTimeout(() => {
        soon = undefined;
        void refresh();
      }, AFTER_JOB_EVENT_MS);
    };
    const stop = listenToInstrumentEvents({
      onJob: (job) => {
        if (hasJobData(job.type)) refreshSoon();
      },
      onConnected: refreshSoon,
    });
    return () => {
      clearInterval(poll);
      if (soon) clearTimeout(soon);
      stop();
    };
  }, [refresh]);

  const actions = useRef<PipelineActions | undefined>(undefined);
  actions.current ??= (() => {
    const act = async (call: () => Promise<PipelineView>) => {
      try {
        const view = await call();
        seq.current++; // an older fetch in flight must not undo this answer
        setAnswer((a) => a && { ...a, pipelines: a.pipelines.map((p) => (p.name === view.name ? view : p)) });
        return undefined;
      } catch (e) {
        return messageOf(e);
      } finally {
        void refresh();
      }
    };
    return {
      load: (name, sample) => act(() => instrumentsApi.load(name, sample)),
      eject: (name) => act(() => instrumentsApi.eject(name)),
      ready: (name, ready) => act(() => instrumentsApi.ready(name, ready)),
    };
  })();

  return { answer, error, actions: actions.current };
}
