/** The module SDK: what a module file imports. */
export { type CatalogEntry, catalogEntry } from "./catalog.js";
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
} from "./define-module.js";
export type {
  AttributeReading,
  ClaimResult,
  InstrumentAccess,
  InstrumentRequest,
  InstrumentTarget,
  ModuleServices,
  TaskSpec,
  TaskState,
} from "./instruments.js";
export type {
  HandleDescriptor,
  HandleFactory,
  JobCheck,
  JobEnvironment,
  JobHandle,
  LogChunk,
} from "./job.js";
export { ModuleError } from "./module-error.js";
export { ModuleSuspended } from "./module-suspended.js";
export { type PortSpec, port } from "./port.js";
export {
  canConnect,
  PORT_TYPES,
  type PortType,
  portValueSchema,
  TableValue,
  whyCannotConnect,
} from "./port-types.js";
export { discoverBuiltinModules, ModuleRegistry } from "./registry.js";
export { Workspace } from "./workspace.js";
