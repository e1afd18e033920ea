/**
 * The checks instrument modules run before a run starts (their `validate`): params the devices
 * file's drivers could never accept refuse the run at once, naming the field, instead of a job
 * that waits in the queue, claims a pipeline and fails there.
 */
import type { ParamProblem } from "../sdk/define-module.js";
import type { InstrumentRequest, ModuleServices } from "../sdk/instruments.js";

/** An instrument task's request with what the driver checks: params, duration, sampling. */
export function taskRequest(params: {
  role: string;
  technique: string;
  sample?: string;
  pipeline?: string;
  taskParams: Record<string, unknown>;
  duration: number;
  samplingInterval: number;
}): InstrumentRequest {
  return {
    role: params.role,
    technique: params.technique,
    ...(params.sample !== undefined ? { sample: params.sample } : {}),
    ...(params.pipeline !== undefined ? { pipeline: params.pipeline } : {}),
    params: params.taskParams,
    durationMs: params.duration * 1000,
    samplingMs: Math.max(1, Math.round(params.samplingInterval * 1000)),
  };
}

/** No pipeline of the devices file could ever run the request: one problem with the reason. */
export function checkRequest(
  request: InstrumentRequest,
  services: ModuleServices,
  field = "taskParams",
): ParamProblem[] {
  const why = services.instrumentRules?.whyNever(request);
  return why ? [{ field, message: `no pipeline can ever run this task: ${why}` }] : [];
}
