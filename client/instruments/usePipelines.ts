/**
 * The pipelines, live while the panel is open: fetched at once and after each reconnection, then
 * kept current by the server's `pipeline` events (one per change, whoever made it: this page, the
 * CLI, a job claiming or freeing a pipeline). A slow safety poll (30 s) covers a server too old to
 * send them.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import type {
  PipelinesAnswer,
  PipelineStatusView as PipelineView,
} from "../../server/schema/pipelines-api.js";
import { ApiError } from "../platform/api/api-client.js";
import { listenToInstrumentEvents } from "./instrument-events.js";
import { instrumentsApi } from "./instruments-api.js";

export const PIPELINES_SAFETY_POLL_MS = 30_000;

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
    const poll = setInterval(() => void refresh(), PIPELINES_SAFETY_POLL_MS);
    const stop = listenToInstrumentEvents({
      onPipeline: (view) => {
        seq.current++; // an older fetch in flight must not undo this change
        setAnswer((a) => a && withPipeline(a, view));
      },
      onConnected: () => void refresh(),
    });
    return () => {
      clearInterval(poll);
      stop();
    };
  }, [refresh]);

  const actions = useRef<PipelineActions | undefined>(undefined);
  actions.current ??= (() => {
    const act = async (call: () => Promise<PipelineView>) => {
      try {
        const view = await call();
        seq.current++; // an older fetch in flight must not undo this answer
        setAnswer((a) => a && withPipeline(a, view));
        return undefined;
      } catch (e) {
        return messageOf(e);
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

/**
 * The answer with one pipeline replaced by its newer view (added when new). A view older than the
 * one shown (an event overtaken by an action's answer) is ignored.
 */
function withPipeline(answer: PipelinesAnswer, view: PipelineView): PipelinesAnswer {
  const shown = answer.pipelines.find((p) => p.name === view.name);
  if (shown?.updatedAt && view.updatedAt && view.updatedAt < shown.updatedAt) return answer;
  const pipelines = shown
    ? answer.pipelines.map((p) => (p === shown ? view : p))
    : [...answer.pipelines, view];
  return { ...answer, pipelines };
}
