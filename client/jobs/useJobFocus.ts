/**
 * From the Job Monitor into the editor: open a run's workflow with each module's state, and select
 * and centre a job's module. Centring waits for the canvas to be painted (it may just have been
 * mounted, coming from the Jobs page) and uses the module's position, so no node is measured.
 */
import { useReactFlow } from "@xyflow/react";
import { useCallback } from "react";
import type { JobView } from "../../server/schema/views.js";
import type { EditorStore } from "../editor/core/editor-store.js";
import { selectModules } from "../editor/core/selection.js";
import type { RunControls } from "../editor/hooks/useRun.js";
import { api } from "../platform/api/api-client.js";

/** About half a module's size on the canvas, to aim at its middle. */
const HALF_NODE = { x: 95, y: 45 };
const MAX_FRAMES = 120;

export function useJobFocus(store: EditorStore, run: RunControls) {
  const { setCenter, getZoom } = useReactFlow();

  const centre = useCallback(
    (moduleId: string) => {
      let frames = 0;
      const attempt = () => {
        const ready = document.querySelector('.lf-canvas[data-ready="true"]');
        const module = store.getState().doc.modules.find((m) => m.id === moduleId);
        if (!ready || !module) {
          if (++frames < MAX_FRAMES) requestAnimationFrame(attempt);
          return;
        }
        const { x, y } = module.position ?? { x: 0, y: 0 };
        void setCenter(x + HALF_NODE.x, y + HALF_NODE.y, { zoom: Math.max(getZoom(), 0.8), duration: 250 });
      };
      requestAnimationFrame(attempt);
    },
    [store, setCenter, getZoom],
  );

  /** Shows the run's workflow (its own copy) unless the editor shows that workflow already. */
  const openRun = useCallback(
    async (runId: string, moduleId?: string) => {
      try {
        const detail = await api.run(runId);
        const { doc } = store.getState();
        const workflow = detail.workflow;
        const has = (id: string) => doc.modules.some((m) => m.id === id);
        const same =
          workflow !== undefined && doc.name === workflow.name && workflow.modules.every((m) => has(m.id));
        if (workflow && !same) store.openDocument(workflow, `Open run ${runId}`, false);
        await run.watch(runId);
        if (moduleId) {
          store.select(selectModules([moduleId]));
          centre(moduleId);
        } else store.notify("info", `Showing run ${runId}`);
      } catch (error) {
        store.notify("error", `Could not open run ${runId}: ${(error as Error).message}`);
      }
    },
    [store, run, centre],
  );

  const focusJob = useCallback(
    (job: JobView) => {
      const watched = run.view?.runId === job.runId;
      if (watched && store.getState().doc.modules.some((m) => m.id === job.moduleId)) {
        store.select(selectModules([job.moduleId]));
        centre(job.moduleId);
        // The run shown is read afresh, so its modules show their states as they are now.
        void run.watch(job.runId);
        return;
      }
      void openRun(job.runId, job.moduleId);
    },
    [store, run.view, run.watch, openRun, centre],
  );

  return { openRun, focusJob };
}
