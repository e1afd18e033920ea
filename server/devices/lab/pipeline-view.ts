/**
 * A pipeline as people see it (CLI, API, the Pipelines panel, `pipeline` events): its roles from
 * the devices file with their drivers' techniques, and the sample, ready flag and job from the store.
 */
import type { InstrumentTarget } from "../../../modules/sdk/instruments.js";
import type { PipelineState } from "../../store/pipeline-store.js";
import type { InstrumentCatalog, PipelineDefinition } from "./pipeline-matching.js";

/** A pipeline as people see it: its roles, and the sample, ready flag and job it holds. */
export interface PipelineView {
  name: string;
  roles: Record<string, InstrumentTarget & { techniques: string[] }>;
  sample?: string;
  ready: boolean;
  jobId?: string;
  updatedAt?: string;
}

/** The view of a declared pipeline; `state` is undefined for one never loaded (empty, not ready). */
export function pipelineView(
  catalog: InstrumentCatalog,
  definition: PipelineDefinition,
  state: PipelineState | undefined,
): PipelineView {
  const roles: PipelineView["roles"] = {};
  for (const [role, target] of Object.entries(definition.roles)) {
    roles[role] = { ...target, techniques: [...(catalog.techniquesOf(target.device) ?? [])] };
  }
  return {
    name: definition.name,
    roles,
    ...(state?.sample !== undefined ? { sample: state.sample } : {}),
    ready: state?.ready ?? false,
    ...(state?.jobId !== undefined ? { jobId: state.jobId } : {}),
    ...(state ? { updatedAt: state.updatedAt } : {}),
  };
}
