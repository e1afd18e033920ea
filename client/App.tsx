/** The editor page: toolbar, palette, canvas, inspector and status line, bound to one store. */
import { useReactFlow } from "@xyflow/react";
import { type CSSProperties, memo, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { isFinishedRun } from "../server/schema/states.js";
import type { JobView } from "../server/schema/views.js";
import { fitViewOptions } from "./editor/canvas/view-options.js";
import { Canvas } from "./editor/components/Canvas.js";
import { HelpDialog } from "./editor/components/HelpDialog.js";
import { Inspector } from "./editor/components/Inspector.js";
import { OpenDialog } from "./editor/components/OpenDialog.js";
import { Palette } from "./editor/components/Palette.js";
import { SidebarResizer } from "./editor/components/SidebarResizer.js";
import { StatusLine } from "./editor/components/StatusLine.js";
import { Toolbar } from "./editor/components/Toolbar.js";
import { canRedo, canUndo } from "./editor/core/history.js";
import { documentProblems, withServerProblems } from "./editor/core/problems.js";
import { useAutosave } from "./editor/hooks/useAutosave.js";
import { useCatalog } from "./editor/hooks/useCatalog.js";
import { useDocumentActions } from "./editor/hooks/useDocumentActions.js";
import { useEditor, useStore } from "./editor/hooks/useEditor.js";
import { useRun } from "./editor/hooks/useRun.js";
import { useServerCheck } from "./editor/hooks/useServerCheck.js";
import { useShortcuts } from "./editor/hooks/useShortcuts.js";
import { useSidebarWidth } from "./editor/hooks/useSidebarWidth.js";
import { runBelongsTo, toolbarRun } from "./editor/run/run-state.js";
import { PipelinesPanel } from "./instruments/PipelinesPanel.js";
import { JobsPanel } from "./jobs/components/JobsPanel.js";
import { JobToasts } from "./jobs/components/JobToasts.js";
import { useJobFocus } from "./jobs/useJobFocus.js";
import { useJobMonitor } from "./jobs/useJobMonitor.js";
import { useJobsView } from "./jobs/useJobsView.js";

/**
 * The Job Monitor re-renders App on every batch of job events: the canvas and the inspector
 * (costly, and unrelated to jobs) re-render only when their own props change.
 */
const EditorCanvas = memo(Canvas);
const EditorInspector = memo(Inspector);

export function App({ catalogError }: { catalogError: string | undefined }) {
  const store = useStore();
  const doc = useEditor((s) => s.doc);
  const catalog = useEditor((s) => s.catalog);
  const history = useEditor((s) => s.history);
  const unsaved = useEditor((s) => s.doc !== s.savedDoc);
  const catalogState = useCatalog(catalogError);
  const run = useRun(store);
  const actions = useDocumentActions(store);
  const { screenToFlowPosition, fitView } = useReactFlow();
  const [helpOpen, setHelpOpen] = useState(false);
  const [findOpen, setFindOpen] = useState(false);
  const closeFind = useCallback(() => setFindOpen(false), []);
  const [openOpen, setOpenOpen] = useState(false);
  const [pipelinesOpen, setPipelinesOpen] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  useAutosave();
  const monitor = useJobMonitor();
  const [jobsView, setJobsView] = useJobsView();
  const jobFocus = useJobFocus(store, run);
  // The Jobs panel beside the canvas takes minmax(380px, 34vw) (client/jobs/jobs.css).
  const [sidebarWidth, setSidebarWidth] = useSidebarWidth(
    jobsView === "side" ? Math.max(380, window.innerWidth * 0.34) : 0,
  );
  // From the Jobs page, a job or run opens in the editor, with the jobs beside it.
  const focusJob = useCallback(
    (job: JobView) => {
      setJobsView("side");
      jobFocus.focusJob(job);
    },
    [jobFocus, setJobsView],
  );
  const openRun = useCallback(
    (runId: string) => {
      setJobsView("side");
      void jobFocus.openRun(runId);
    },
    [jobFocus, setJobsView],
  );
  const jobsPanel = (mode: "side" | "page") => (
    <JobsPanel monitor={monitor} mode={mode} onFocusJob={focusJob} onOpenRun={openRun} onMode={setJobsView} />
  );

  // A run's states show on the document that ran (by name), not on another one opened since.
  const shownRun = runBelongsTo(run.view, doc.name) ? run.view : undefined;
  const localProblems = useMemo(() => documentProblems(doc, catalog), [doc, catalog]);
  const checkedProblems = useServerCheck(doc, catalog);
  const problems = useMemo(
    () => withServerProblems(withServerProblems(localProblems, checkedProblems), run.serverProblems),
    [localProblems, checkedProblems, run.serverProblems],
  );

  useEffect(() => {
    document.title = `${doc.name}${unsaved ? " *" : ""} - labflow`;
  }, [doc.name, unsaved]);

  /** Adds a module in the middle of the view, or in the free space nearest to it. */
  const addAtCentre = useCallback(
    (type: string) => {
      const pane = document.querySelector(".lf-canvas")?.getBoundingClientRect();
      const centre = pane
        ? screenToFlowPosition({ x: pane.left + pane.width / 2, y: pane.top + pane.height / 2 })
        : { x: 0, y: 0 };
      store.addModule(type, { x: centre.x - 100, y: centre.y - 40 });
    },
    [store, screenToFlowPosition],
  );

  useShortcuts({
    undo: () => store.undo(),
    redo: () => store.redo(),
    copy: () => {
      const n = store.copy();
      if (n > 0) store.notify("info", `Copied ${n} module${n > 1 ? "s" : ""}`);
    },
    cut: () => store.cut(),
    paste: () => store.paste(),
    selectAll: () => store.selectAll(),
    delete: () => store.deleteSelection(),
    save: () => void actions.save(),
    run: () => void run.start(),
    fitView: () => void fitView({ ...fitViewOptions(), duration: 200 }),
    find: () => setFindOpen(true),
    autoLayout: () => void store.autoLayout(),
    group: () => void store.groupSelection(),
    help: () => setHelpOpen(true),
    deselect: () => store.select({ modules: new Set(), connections: new Set() }),
  });

  return (
    <div className="lf-app">
      <Toolbar
        name={doc.name}
        unsaved={unsaved}
        canUndo={canUndo(history)}
        canRedo={canRedo(history)}
        run={toolbarRun(run.view, doc.name)}
        starting={run.starting}
        connected={run.connected}
        onNew={() => {
          actions.newDocument();
          // A new workflow starts with no run shown (a run still going stays, to be cancelled).
          if (run.view && isFinishedRun(run.view.status)) run.clear();
        }}
        onOpen={() => setOpenOpen(true)}
        onSave={() => void actions.save()}
        onImport={() => fileInput.current?.click()}
        onExport={actions.exportFile}
        onUndo={() => store.undo()}
        onRedo={() => store.redo()}
        onRun={() => void run.start()}
        onCancel={() => void run.cancel()}
        onClearRun={run.clear}
        onHelp={() => setHelpOpen(true)}
        jobsOpen={jobsView !== "closed"}
        onToggleJobs={() => setJobsView(jobsView === "closed" ? "side" : "closed")}
        pipelinesOpen={pipelinesOpen}
        onTogglePipelines={() => setPipelinesOpen((open) => !open)}
      />
      {/* Over the page only when the Job Monitor has the whole page; else in the sidebar, beside the canvas. */}
      {pipelinesOpen && jobsView === "page" && (
        <PipelinesPanel onClose={() => setPipelinesOpen(false)} onFocusJob={focusJob} />
      )}
      {jobsView === "page" ? (
        <main className="lf-jobs-page">{jobsPanel("page")}</main>
      ) : (
        <main
          className={`lf-main${jobsView === "side" ? " with-jobs" : ""}`}
          style={
            sidebarWidth === undefined
              ? undefined
              : ({ "--lf-sidebar-width": `${sidebarWidth}px` } as CSSProperties)
          }
        >
          <Palette
            catalog={catalog}
            loading={catalogState.loading}
            error={catalogState.error}
            onRetry={catalogState.reload}
            onAdd={addAtCentre}
          />
          <EditorCanvas problems={problems} run={shownRun} findOpen={findOpen} onFindClose={closeFind} />
          {jobsView === "side" && jobsPanel("side")}
          <div className={`lf-sidebar${pipelinesOpen ? " with-pipelines" : ""}`}>
            <SidebarResizer width={sidebarWidth} onWidth={setSidebarWidth} />
            {pipelinesOpen && (
              <PipelinesPanel onClose={() => setPipelinesOpen(false)} onFocusJob={focusJob} />
            )}
            <EditorInspector problems={problems} run={shownRun} />
          </div>
        </main>
      )}
      <JobToasts toasts={monitor.toasts} onDismiss={monitor.actions.dismissToast} />
      <StatusLine />
      <HelpDialog open={helpOpen} onClose={() => setHelpOpen(false)} />
      <OpenDialog
        open={openOpen}
        unsaved={unsaved}
        onClose={() => setOpenOpen(false)}
        onOpen={(name) => {
          setOpenOpen(false);
          void actions.open(name);
        }}
      />
      <input
        ref={fileInput}
        type="file"
        accept=".json,application/json"
        aria-label="Workflow file to import"
        hidden
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = "";
          if (file) void actions.importFile(file);
        }}
      />
    </div>
  );
}
