/**
 * Runs the document and follows the run live: POST it, then fold WebSocket events into a RunView.
 * After every (re)connection the run is fetched again, and events that arrive while that fetch is
 * under way win over its answer, so nothing is missed and nothing goes back in time.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import type { Problem as ErrorInfo } from "../../../server/schema/problem.js";
import { ApiError, api } from "../../platform/api/api-client.js";
import { connectEvents } from "../../platform/events/events-socket.js";
import { loadWatchedRun, saveWatchedRun } from "../../platform/storage/drafts.js";
import type { EditorStore } from "../core/editor-store.js";
import {
  applyEvent,
  mergeFetched,
  type RunView,
  runEndNotice,
  runFromResponse,
  touchedBy,
} from "../run/run-state.js";

export interface RunControls {
  view: RunView | undefined;
  starting: boolean;
  connected: boolean;
  /** Problems the server found in the document when it refused to run it. */
  serverProblems: readonly ErrorInfo[];
  start(): Promise<void>;
  cancel(): Promise<void>;
  clear(): void;
  /** Follows a run started elsewhere (the Job Monitor's "Open in editor"). */
  watch(runId: string): Promise<void>;
}

const NONE: readonly ErrorInfo[] = [];

/** The server's message, with the one problem's place added when the message lacks it. */
function refusal(error: Error, problems: readonly ErrorInfo[]): string {
  const first = problems[0];
  if (problems.length > 1) return `${error.message} (${problems.length} problems, shown on the modules)`;
  if (!first) return error.message;
  const place = first.moduleId ? `${first.moduleId}: ` : "";
  return error.message.includes(first.message)
    ? `${place}${error.message}`
    : `${error.message}: ${place}${first.message}`;
}

export function useRun(store: EditorStore): RunControls {
  const [view, setView] = useState<RunView>();
  const [starting, setStarting] = useState(false);
  const [connected, setConnected] = useState(false);
  const [serverProblems, setServerProblems] = useState<readonly ErrorInfo[]>(NONE);
  const current = useRef<RunView | undefined>(undefined);
  const watching = useRef<string | undefined>(undefined);
  const fetching = useRef<{ seq: number; touched: Set<string> } | undefined>(undefined);
  const seq = useRef(0);
  const frame = useRef(0);

  /**
   * Shows the latest view at the next frame: a burst of events renders once. Every state passes
   * here, so the end of the run is told on the status line (replacing "Run … started").
   */
  const show = useCallback(
    (next: RunView | undefined) => {
      const ended = runEndNotice(current.current, next);
      current.current = next;
      if (ended) store.notify(ended.kind, ended.text);
      if (frame.current) return;
      frame.current = requestAnimationFrame(() => {
        frame.current = 0;
        setView(current.current);
      });
    },
    [store],
  );

  const refetch = useCallback(
    async (runId: string) => {
      const mine = { seq: ++seq.current, touched: new Set<string>() };
      fetching.current = mine;
      try {
        const fetched = runFromResponse(await api.run(runId));
        if (watching.current !== runId || fetching.current?.seq !== mine.seq) return;
        show(mergeFetched(current.current, fetched, mine.touched));
      } catch (error) {
        if (error instanceof ApiError && error.status === 404 && watching.current === runId) {
          watching.current = undefined;
          show(undefined);
          void saveWatchedRun(undefined);
        }
      } finally {
        if (fetching.current?.seq === mine.seq) fetching.current = undefined;
      }
    },
    [show],
  );

  useEffect(() => {
    const connection = connectEvents({
      onOpen() {
        setConnected(true);
        if (watching.current) void refetch(watching.current);
      },
      onClose: () => setConnected(false),
      onMessage(message) {
        const view = current.current;
        if (!view) return;
        for (const id of touchedBy(view, message)) fetching.current?.touched.add(id);
        const next = applyEvent(view, message);
        if (next !== view) show(next);
      },
    });
    loadWatchedRun()
      .then((runId) => {
        if (!runId || watching.current) return;
        watching.current = runId;
        void refetch(runId);
      })
      .catch(() => {});
    return () => {
      connection.close();
      cancelAnimationFrame(frame.current);
      frame.current = 0;
    };
  }, [refetch, show]);

  // Problems the server reported belong to the document it saw: an edit makes them stale.
  useEffect(() => {
    let doc = store.getState().doc;
    return store.subscribe(() => {
      if (store.getState().doc === doc) return;
      doc = store.getState().doc;
      setServerProblems((p) => (p.length ? NONE : p));
    });
  }, [store]);

  const start = useCallback(async () => {
    setStarting(true);
    setServerProblems(NONE);
    try {
      const doc = store.getState().doc;
      const runId = await api.startRun(doc);
      watching.current = runId;
      show({ runId, status: "running", modules: {}, workflowName: doc.name });
      store.notify("info", `Run ${runId} started`);
      void saveWatchedRun(runId);
      await refetch(runId);
    } catch (error) {
      const problems = error instanceof ApiError ? error.problems : [];
      setServerProblems(problems.length ? problems : NONE);
      store.notify("error", `The run was refused: ${refusal(error as Error, problems)}`);
    } finally {
      setStarting(false);
    }
  }, [store, refetch, show]);

  const cancel = useCallback(async () => {
    const runId = watching.current;
    if (!runId) return;
    try {
      await api.cancelRun(runId);
      store.notify("info", `Cancelling run ${runId}`);
    } catch (error) {
      store.notify("error", `Cancel failed: ${(error as Error).message}`);
    }
  }, [store]);

  const clear = useCallback(() => {
    watching.current = undefined;
    show(undefined);
    void saveWatchedRun(undefined);
  }, [show]);

  const watch = useCallback(
    async (runId: string) => {
      // Asked again for the run it shows: read it afresh (a person looking at it wants what is true now).
      if (watching.current === runId) return refetch(runId);
      watching.current = runId;
      show({ runId, status: "running", modules: {} });
      void saveWatchedRun(runId);
      await refetch(runId);
    },
    [refetch, show],
  );

  return { view, starting, connected, serverProblems, start, cancel, clear, watch };
}
