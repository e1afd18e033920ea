/**
 * The Job Monitor's data, live: its own connection to `/api/events` folds the snapshot and every
 * event into a MonitorModel; after each (re)connection every job and the recent runs are fetched
 * again (events that arrive meanwhile win), so a restart of the server is recovered by itself.
 * Renders are batched (a burst of check events renders once); finished jobs raise toasts.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type {
  CheckIntervalSetting as CheckInterval,
  Settings as MonitorSettings,
} from "../../server/schema/api.js";
import type { JobView } from "../../server/schema/views.js";
import { ApiError } from "../platform/api/api-client.js";
import { connectEvents } from "../platform/events/events-socket.js";
import { FullFetch } from "./full-fetch.js";
import { jobsApi } from "./jobs-api.js";
import { MonitorModel } from "./monitor-model.js";
import { notifyBrowser } from "./notifications.js";

export interface Toast {
  id: number;
  kind: "ok" | "error" | "info";
  text: string;
}

export interface JobMonitorActions {
  checkJob(job: JobView): Promise<void>;
  pauseJob(job: JobView): Promise<void>;
  resumeJob(job: JobView): Promise<void>;
  cancelJob(job: JobView): Promise<void>;
  deleteJob(job: JobView): Promise<void>;
  setJobInterval(job: JobView, intervalMs: number | null): Promise<void>;
  checkRun(runId: string): Promise<void>;
  pauseRun(runId: string): Promise<void>;
  resumeRunChecks(runId: string): Promise<void>;
  resumeRun(runId: string): Promise<void>;
  cancelRun(runId: string): Promise<void>;
  setCheckInterval(interval: CheckInterval): Promise<void>;
  setAutoResume(on: boolean): Promise<void>;
  dismissToast(id: number): void;
}

export interface JobMonitorData {
  model: MonitorModel;
  /** Changes whenever the model did (after batching). */
  version: number;
  /** Changes when rows may move (the model's structureVersion, after batching). */
  structure: number;
  connected: boolean;
  /** False until the first full fetch answered. */
  loaded: boolean;
  settings: MonitorSettings | undefined;
  toasts: readonly Toast[];
  actions: JobMonitorActions;
}

/** Renders at most this often while events pour in. */
const RENDER_EVERY_MS = 100;
const TOAST_MS = 6_000;

export function useJobMonitor(): JobMonitorData {
  const model = useRef(new MonitorModel()).current;
  const [version, setVersion] = useState(0);
  const [structure, setStructure] = useState(0);
  const [connected, setConnected] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const [settings, setSettings] = useState<MonitorSettings>();
  const [toasts, setToasts] = useState<readonly Toast[]>([]);
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const toastId = useRef(0);
  const fetchingRuns = useRef(new Set<string>());

  const render = useCallback(() => {
    if (pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = undefined;
      setVersion(model.version);
      setStructure(model.structureVersion);
    }, RENDER_EVERY_MS);
  }, [model]);

  const toast = useCallback((kind: Toast["kind"], text: string) => {
    const id = ++toastId.current;
    setToasts((list) => [...list.slice(-4), { id, kind, text }]);
    setTimeout(
      () => setToasts((list) => list.filter((t) => t.id !== id)),
      kind === "error" ? TOAST_MS * 2 : TOAST_MS,
    );
  }, []);

  const fetchRun = useCallback(
    (runId: string) => {
      if (fetchingRuns.current.has(runId)) return;
      fetchingRuns.current.add(runId);
      jobsApi
        .run(runId)
        .then((run) => {
          model.putRunSummary(run);
          render();
        })
        .catch(() => {})
        .finally(() => fetchingRuns.current.delete(runId));
    },
    [model, render],
  );

  useEffect(() => {
    const fullFetch = new FullFetch({
      model,
      async load() {
        const [jobs, runs, settings] = await Promise.all([
          jobsApi.jobs(),
          jobsApi.runs(),
          jobsApi.settings(),
        ]);
        return { jobs, runs, settings };
      },
      onLoaded({ jobs }, current) {
        if (current) setSettings(current);
        setLoaded(true);
        for (const job of jobs) if (!model.runs.get(job.runId)?.workflowName) fetchRun(job.runId);
        render();
      },
    });
    const connection = connectEvents({
      onOpen() {
        setConnected(true);
        fullFetch.connected();
      },
      onClose() {
        setConnected(false);
        fullFetch.disconnected();
      },
      onMessage(message) {
        if (message.type === "settings") {
          fullFetch.settingsArrived();
          setSettings(message.settings);
          return;
        }
        const applied = model.apply(message);
        for (const job of applied.finished) {
          if (job.state === "cancelled") continue;
          const ok = job.state === "completed";
          const text = ok
            ? `Job ${job.moduleId} completed`
            : `Job ${job.moduleId} failed${job.message ? `: ${job.message}` : ""}`;
          toast(ok ? "ok" : "error", text);
          notifyBrowser(`labflow: ${job.moduleId} ${job.state}`, job.message ?? job.type);
        }
        for (const runId of applied.unknownRuns) fetchRun(runId);
        render();
      },
    });
    return () => {
      fullFetch.disconnected();
      connection.close();
      if (pending.current) clearTimeout(pending.current);
      pending.current = undefined;
    };
  }, [model, render, toast, fetchRun]);

  const actions = useMemo((): JobMonitorActions => {
    /** Runs an action; its answer (a job) goes into the model; a failure becomes a toast. */
    const act = async (what: string, call: () => Promise<JobView | undefined>) => {
      try {
        const job = await call();
        if (job) {
          model.putJobAnswer(job);
          render();
        }
      } catch (error) {
        toast("error", `${what} failed: ${error instanceof ApiError ? error.message : String(error)}`);
      }
    };
    /** Shows the change at once (a checkbox follows the click), then the server's answer; undone on failure. */
    const changeSettings = async (what: string, change: Partial<MonitorSettings>) => {
      let before: MonitorSettings | undefined;
      setSettings((current) => {
        before = current;
        return current && { ...current, ...change };
      });
      try {
        setSettings(await jobsApi.putSettings(change));
      } catch (error) {
        setSettings(before);
        toast(
          "error",
          `Setting ${what} failed: ${error instanceof ApiError ? error.message : String(error)}`,
        );
      }
    };
    const count = (n: number, what: string) => {
      toast("info", `${what} ${n} job${n === 1 ? "" : "s"}`);
      return undefined;
    };
    return {
      checkJob: (job) => act(`Checking ${job.moduleId}`, () => jobsApi.check(job.id)),
      pauseJob: (job) => act(`Pausing ${job.moduleId}`, () => jobsApi.pause(job.id)),
      resumeJob: (job) => act(`Resuming ${job.moduleId}`, () => jobsApi.resume(job.id)),
      cancelJob: (job) =>
        act(`Cancelling ${job.moduleId}`, async () => {
          const answer = await jobsApi.cancel(job.id);
          if (answer.message) toast("info", answer.message);
          return answer.job;
        }),
      deleteJob: (job) =>
        act(`Deleting ${job.moduleId}`, async () => {
          await jobsApi.delete(job.id);
          model.removeJob(job.id);
          render();
          return undefined;
        }),
      setJobInterval: (job, intervalMs) =>
        act(`Setting the interval of ${job.moduleId}`, () => jobsApi.setInterval(job.id, intervalMs)),
      checkRun: (runId) =>
        act("Check all", async () => count((await jobsApi.checkRun(runId)).checked, "Checked")),
      pauseRun: (runId) =>
        act("Pause all", async () => count((await jobsApi.pauseRun(runId)).paused, "Paused")),
      resumeRunChecks: (runId) =>
        act("Resume checks", async () =>
          count((await jobsApi.resumeRunChecks(runId)).resumed, "Resumed checking"),
        ),
      resumeRun: (runId) =>
        act("Resume", async () => {
          await jobsApi.resumeRun(runId);
          toast("info", `Run ${runId} resumed`);
          return undefined;
        }),
      cancelRun: (runId) =>
        act("Cancel run", async () => {
          const answer = await jobsApi.cancelRun(runId);
          toast("info", answer.message ?? `Cancelling run ${runId}`);
          return undefined;
        }),
      setCheckInterval: (checkInterval) => changeSettings("the check interval", { checkInterval }),
      setAutoResume: (autoResume) => changeSettings("auto-resume", { autoResume }),
      dismissToast: (id) => setToasts((list) => list.filter((t) => t.id !== id)),
    };
  }, [model, render, toast]);

  return { model, version, structure, connected, loaded, settings, toasts, actions };
}
