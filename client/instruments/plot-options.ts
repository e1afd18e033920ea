/**
 * uPlot options for a job's data: a UTC time axis, one series per numeric quantity labelled with its
 * unit, one y scale and axis per unit (left, right, then left again), so a temperature and a
 * pressure each get their own range.
 */
import uPlot from "uplot";
import type { JobDataSeries } from "./job-data-series.js";

/** Distinguishable on the editor's light background. */
const COLOURS = ["#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563"];

const NO_UNIT = "value";

/** "12:03:04.250Z": the time of a reading in UTC, to the millisecond. */
export function utcTime(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().slice(11, 23)}Z`;
}

export const seriesLabel = (quantity: string, unit: string | undefined) =>
  unit ? `${quantity} (${unit})` : quantity;

export function plotOptions(
  series: JobDataSeries,
  size: { width: number; height: number },
  hooks: uPlot.Hooks.Arrays = {},
): uPlot.Options {
  const units = [...new Set(series.quantities.map((q) => series.units[q] || NO_UNIT))];
  return {
    ...size,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
    cursor: { drag: { x: true, y: false } },
    legend: { live: true },
    scales: { x: { time: true } },
    series: [
      { label: "time (UTC)", value: (_u, v) => (v == null ? "-" : utcTime(v)) },
      ...series.quantities.map((quantity, i) => ({
        label: seriesLabel(quantity, series.units[quantity]),
        scale: series.units[quantity] || NO_UNIT,
        stroke: COLOURS[i % COLOURS.length] as string,
        width: 1.5,
        spanGaps: true,
        points: { show: false },
      })),
    ],
    axes: [
      { label: "time (UTC)", labelSize: 18 },
      ...units.map(
        (unit, i): uPlot.Axis => ({
          scale: unit,
          label: unit === NO_UNIT ? "" : unit,
          labelSize: 18,
          side: i % 2 === 0 ? 3 : 1,
          grid: { show: i === 0 },
        }),
      ),
    ],
    hooks,
  };
}

/** The series as uPlot's aligned data: times, then one column per quantity. */
export function alignedData(series: JobDataSeries): uPlot.AlignedData {
  return [series.times, ...series.quantities.map((q) => series.columns.get(q) ?? [])];
}
