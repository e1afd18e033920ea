/**
 * A run's log, kept current: fetched whole at each (re)connection of the event socket, then
 * followed through its `log` events.
 */
import { useEffect, useState } from "react";
import type { RunLogView } from "../../server/schema/views.js";
import { connectEvents } from "../platform/events/events-socket.js";
import { runLog } from "./results-api.js";

export interface RunLogState {
  entries: readonly RunLogView[];
  error: string | undefined;
}

const sameEntry = (a: RunLogView, b: RunLogView) =>
  a.at === b.at && a.message === b.message && a.moduleId === b.moduleId && a.level === b.level;

export function useRunLog(runId: string | undefined): RunLogState {
  const [state, setState] = useState<RunLogState>({ entries: [], error: undefined });
  useEffect(() => {
    setState({ entries: [], error: undefined });
    if (runId === undefined) return;
    let live = true;
    // Events that arrive while a fetch is under way: kept, and added unless the answer had them.
    let pending: RunLogView[] | undefined;
    const fetchAll = () => {
      pending = [];
      runLog(runId)
        .then((fetched) => {
          if (!live) return;
          const extra = (pending ?? []).filter((e) => !fetched.some((f) => sameEntry(e, f)));
          pending = undefined;
          setState({ entries: [...fetched, ...extra], error: undefined });
        })
        .catch((e: unknown) => {
          pending = undefined;
          if (live) setState((s) => ({ ...s, error: e instanceof Error ? e.message : String(e) }));
        });
    };
    const connection = connectEvents({
      onOpen: fetchAll,
      onMessage(message) {
        if (message.type !== "log" || message.entry.runId !== runId) return;
        if (pending) pending.push(message.entry);
        else setState((s) => ({ ...s, entries: [...s.entries, message.entry] }));
      },
    });
    return () => {
      live = false;
      connection.close();
    };
  }, [runId]);
  return state;
}
