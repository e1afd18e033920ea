/**
 * The module SDK: what a module file imports. Hosts of modules (the engine, the server, the CLI,
 * the editor) import `host.ts`; module tests import `testing.ts`.
 */
export type {
  ClusterAccess,
  ClusterJobInfo,
  ClusterJobSubmission,
  ClusterSession,
  TransferProgress,
} from "./clusters.js";
export {
  type ComputeContext,
  defineModule,
  type JobLifecycle,
  type JobStartContext,
  type ModuleDefinition,
  type PortValues,
} from "./define-module.js";
export {
  type AttributeReading,
  type ClaimResult,
  type InstrumentAccess,
  type InstrumentRequest,
  type InstrumentTarget,
  type ModuleServices,
  NO_DEVICES_MESSAGE,
  requireInstruments,
  type TaskSpec,
  type TaskState,
} from "./instruments.js";
export type {
  HandleDescriptor,
  HandleFactory,
  JobCheck,
  JobEnvironment,
  JobHandle,
  LogChunk,
  ProgressClock,
} from "./job.js";
export { readFrom } from "./log-chunk.js";
export { ModuleError } from "./module-error.js";
export { ModuleSuspended } from "./module-suspended.js";
export type { ParamsDeclaration, ParamsOf, ParamsUpgrade } from "./params.js";
export { type PortSpec, port } from "./port.js";
export { type PortType, TableValue } from "./port-types.js";
export type { Workspace } from "./workspace.js";
