/**
 * The live plot of an instrument job's data (uPlot): what the job recorded so far, then every new
 * reading as it arrives, one series per quantity with its unit, on a UTC time axis. Drawing happens
 * outside React, once per animation frame, so tens of thousands of points stay smooth. Drag to zoom
 * (the plot then stops following), double-click to follow live again.
 *
 * For tests: the figure has `data-points` (points plotted: the readings, until a long job's older
 * readings are thinned), `data-thinned` and `data-quantities`.
 */
import "uplot/dist/uPlot.min.css";
import "./instruments.css";
import { useEffect, useRef, useState } from "react";
import uPlot from "uplot";
import { listenToInstrumentEvents } from "./instrument-events.js";
import { instrumentsApi } from "./instruments-api.js";
import { animationFrame, JobDataFollower } from "./job-data-follower.js";
import type { JobDataSeries } from "./job-data-series.js";
import { alignedData, plotOptions, utcTime } from "./plot-options.js";

interface JobDataPlotProps {
  jobId: string;
  /** Plot height in pixels (the width follows the container). */
  height?: number;
}

export function JobDataPlot({ jobId, height = 200 }: JobDataPlotProps) {
  const figure = useRef<HTMLElement>(null);
  const canvasBox = useRef<HTMLDivElement>(null);
  const summary = useRef<HTMLSpanElement>(null);
  const [problem, setProblem] = useState<string>();
  const [state, setState] = useState<string>();
  const [hasPoints, setHasPoints] = useState(false);

  useEffect(() => {
    const box = canvasBox.current;
    if (!box) return;
    let plot: uPlot | undefined;
    let shape = -1;
    let zoomed = false;
    setHasPoints(false);
    setProblem(undefined);
    setState(undefined);
    if (figure.current) {
      figure.current.dataset.points = "0";
      figure.current.dataset.thinned = "false";
    }
    if (summary.current) summary.current.textContent = "loading...";
    const size = () => ({ width: Math.max(160, box.clientWidth), height });
    const hooks: uPlot.Hooks.Arrays = {
      setSelect: [
        (u) => {
          if (u.select.width > 0) zoomed = true;
        },
      ],
    };

    const draw = (series: JobDataSeries) => {
      if (figure.current) {
        figure.current.dataset.points = String(series.count);
        figure.current.dataset.thinned = String(series.thinned);
        figure.current.dataset.quantities = series.quantities.join(",");
      }
      if (summary.current) {
        const last = series.lastTime;
        const held = series.thinned
          ? `${series.count} points (older readings thinned)`
          : `${series.count} reading${series.count === 1 ? "" : "s"}`;
        summary.current.textContent = `${held}${last === undefined ? "" : `, last at ${utcTime(last)}`}`;
      }
      if (series.count === 0 || series.quantities.length === 0) return;
      if (!plot || shape !== series.shape) {
        plot?.destroy();
        zoomed = false;
        plot = new uPlot(plotOptions(series, size(), hooks), alignedData(series), box);
        plot.over.addEventListener("dblclick", () => {
          zoomed = false;
        });
        shape = series.shape;
        setHasPoints(true);
      } else plot.setData(alignedData(series), !zoomed);
    };

    const follower = new JobDataFollower(
      jobId,
      { onFrame: draw, onProblem: setProblem, onState: setState },
      { fetchData: instrumentsApi.jobData, listen: listenToInstrumentEvents, nextFrame: animationFrame },
    );
    follower.start();
    const resize = new ResizeObserver(() => plot?.setSize(size()));
    resize.observe(box);
    return () => {
      follower.stop();
      resize.disconnect();
      plot?.destroy();
    };
  }, [jobId, height]);

  return (
    <figure ref={figure} className="lf-job-plot" aria-label={`Data of job ${jobId}`} data-points="0">
      <figcaption className="lf-job-plot-head">
        <strong>Data</strong> <span ref={summary}>loading...</span>
        {state && (
          <span className={`lf-job-plot-state state-${state}`}>{state === "running" ? "live" : state}</span>
        )}
      </figcaption>
      {problem && (
        <p className="lf-error-text" role="alert">
          {problem}
        </p>
      )}
      {!hasPoints && !problem && <p className="lf-muted">No readings yet.</p>}
      <div ref={canvasBox} className="lf-job-plot-canvas" title="Drag to zoom; double-click to follow live" />
    </figure>
  );
}
