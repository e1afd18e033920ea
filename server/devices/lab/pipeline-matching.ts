/**
 * Which pipelines can serve an instrument job's request: those that ever could (the devices file
 * has the pipeline, the role, and a driver able to do the technique) and, of those, which one can
 * now (a ready sample, no job). Pure rules over the devices file and a pipeline's stored state; the
 * answers are sentences a person reads, so every refusal names what is missing.
 */
import type { InstrumentRequest, InstrumentTarget } from "../../../modules/sdk/instruments.js";
import type { PipelineState } from "../../store/pipeline-store.js";
import type { DriverDescriptor } from "../protocol/driver-api.js";
import { whyTaskRefused } from "../protocol/task-params.js";

/** A pipeline as the devices file declares it: roles played by device channels. */
export interface PipelineDefinition {
  name: string;
  roles: Record<string, InstrumentTarget>;
}

/** What the pipeline rules need to know of the devices file and the drivers. */
export interface InstrumentCatalog {
  readonly pipelines: readonly PipelineDefinition[];
  /** The techniques (capabilities) of a device's driver; undefined for a device not declared. */
  techniquesOf(device: string): readonly string[] | undefined;
  /** The descriptor of a device's driver; undefined for a device not declared. */
  driverOf(device: string): DriverDescriptor | undefined;
}

/** The pipelines that could ever serve the request (with each of its further steps), or why none could. */
export function fittingPipelines(
  catalog: InstrumentCatalog,
  request: InstrumentRequest,
): PipelineDefinition[] | string {
  let fitting = fittingForOne(catalog, request);
  for (const step of request.also ?? []) {
    if (typeof fitting === "string") return fitting;
    const pipelines = fitting;
    const pipeline = request.pipeline !== undefined ? { pipeline: request.pipeline } : {};
    fitting = fittingForOne({ ...catalog, pipelines }, { ...step, ...pipeline });
  }
  return fitting;
}

function fittingForOne(
  catalog: InstrumentCatalog,
  request: InstrumentRequest,
): PipelineDefinition[] | string {
  const { pipelines } = catalog;
  if (pipelines.length === 0) return "the devices file declares no pipelines";
  let candidates = [...pipelines];
  if (request.pipeline !== undefined) {
    candidates = candidates.filter((p) => p.name === request.pipeline);
    if (candidates.length === 0) {
      return `no pipeline "${request.pipeline}" in the devices file (pipelines: ${pipelines.map((p) => p.name).join(", ")})`;
    }
  }
  const withRole = candidates.filter((p) => p.roles[request.role] !== undefined);
  if (withRole.length === 0) {
    const roles = [...new Set(candidates.flatMap((p) => Object.keys(p.roles)))].join(", ") || "none";
    const where =
      request.pipeline !== undefined
        ? `pipeline "${request.pipeline}" has no role`
        : "no pipeline has a role";
    return `${where} "${request.role}" (roles declared: ${roles})`;
  }
  const able = withRole.filter((p) => canDo(catalog, request, p));
  if (able.length === 0) {
    const offers = withRole.map((p) => {
      const device = p.roles[request.role]?.device as string;
      const techniques = catalog.techniquesOf(device);
      return `${p.name}: device "${device}" ${techniques ? `can ${techniques.join(", ") || "nothing"}` : "is not declared"}`;
    });
    return `no pipeline's "${request.role}" can do "${request.technique}" (${offers.join("; ")})`;
  }
  const accepting = able.filter((p) => whyParamsRefused(catalog, request, p) === undefined);
  if (accepting.length === 0) {
    const refusals = able.map((p) => `${p.name}: ${whyParamsRefused(catalog, request, p)}`);
    return `the task's params are refused by every pipeline that could run it (${refusals.join("; ")})`;
  }
  return accepting;
}

/** Why the driver of the pipeline's role refuses the request's params, or undefined (also when none are given). */
export function whyParamsRefused(
  catalog: InstrumentCatalog,
  request: InstrumentRequest,
  definition: PipelineDefinition,
): string | undefined {
  if (request.params === undefined) return undefined;
  const target = definition.roles[request.role];
  const driver = target && catalog.driverOf(target.device);
  if (!target || !driver) return undefined;
  const why = whyTaskRefused(driver, {
    technique: request.technique,
    params: request.params,
    durationMs: request.durationMs ?? Number.POSITIVE_INFINITY,
    samplingMs: request.samplingMs ?? driver.samplingMs?.min ?? 1,
  });
  return why && `device "${target.device}" (${driver.type}) refuses ${request.technique}: ${why}`;
}

/** Role, technique, params and name fit (the sample is a matter of time: a person can load it). */
export function fits(
  catalog: InstrumentCatalog,
  request: InstrumentRequest,
  definition: PipelineDefinition,
): boolean {
  const pipeline = request.pipeline !== undefined ? { pipeline: request.pipeline } : {};
  return [request, ...(request.also ?? []).map((step) => ({ ...step, ...pipeline }))].every(
    (one) => canDo(catalog, one, definition) && whyParamsRefused(catalog, one, definition) === undefined,
  );
}

/** Name, role and technique fit, whatever the params. */
function canDo(
  catalog: InstrumentCatalog,
  request: InstrumentRequest,
  definition: PipelineDefinition,
): boolean {
  if (request.pipeline !== undefined && request.pipeline !== definition.name) return false;
  const target = definition.roles[request.role];
  if (!target) return false;
  return catalog.techniquesOf(target.device)?.includes(request.technique) ?? false;
}

/** Why a pipeline cannot be claimed now, or undefined when it can. */
export function whyUnavailable(state: PipelineState, sample: string | undefined): string | undefined {
  if (state.jobId !== undefined) return `is busy with job ${state.jobId}`;
  if (state.sample === undefined) return "holds no sample";
  if (sample !== undefined && state.sample !== sample)
    return `holds sample "${state.sample}", not "${sample}"`;
  if (!state.ready) return `holds sample "${state.sample}" but is not marked ready`;
  return undefined;
}

/** Whether the pipeline can be claimed now for the request's sample. */
export function sampleFits(state: PipelineState, request: InstrumentRequest): boolean {
  return whyUnavailable(state, request.sample) === undefined;
}

/** The request in words, for the `waiting for ...` message. */
export function describeRequest(request: InstrumentRequest): string {
  const which = request.pipeline !== undefined ? `pipeline "${request.pipeline}"` : "a pipeline";
  const sample = request.sample !== undefined ? ` holding sample "${request.sample}"` : " holding a sample";
  return `${which} whose "${request.role}" can "${request.technique}",${sample}, marked ready`;
}
