/**
 * In the inspector: the live plot of the selected instrument job module's job in the run the editor
 * shows. The job is looked up by run and module id, again whenever the module's state changes (the
 * job exists once the module has started).
 */
import { useEffect, useState } from "react";
import { useEditor } from "../editor/hooks/useEditor.js";
import { hasJobData } from "./instrument-types.js";
import { instrumentsApi } from "./instruments-api.js";
import { JobDataPlot } from "./JobDataPlot.js";

interface ModuleJobPlotProps {
  runId: string;
  moduleId: string;
  moduleType: string;
  /** The module's state in the run (a change may mean its job now exists). */
  status: string | undefined;
}

export function ModuleJobPlot({ runId, moduleId, moduleType, status }: ModuleJobPlotProps) {
  const isJob = useEditor((s) => s.catalog.get(moduleType)?.isJob ?? false);
  const wanted = isJob && hasJobData(moduleType);
  const [found, setFound] = useState<{ runId: string; moduleId: string; jobId: string }>();

  useEffect(() => {
    if (!wanted || status === undefined || status === "pending") return;
    let alive = true;
    instrumentsApi
      .jobsOfRun(runId)
      .then((jobs) => {
        const job = jobs.find((j) => j.moduleId === moduleId);
        if (alive && job) setFound({ runId, moduleId, jobId: job.id });
      })
      .catch(() => {});
    return () => {
      alive = false;
    };
  }, [wanted, runId, moduleId, status]);

  // A job found for another module or run (the selection changed since) is not this one's.
  const jobId = found?.runId === runId && found.moduleId === moduleId ? found.jobId : undefined;
  if (!wanted || !jobId) return null;
  return <JobDataPlot jobId={jobId} height={180} />;
}
