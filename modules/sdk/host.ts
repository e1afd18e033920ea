/**
 * What hosts of modules use: the engine, the server, the CLI and the editor. Finding the modules,
 * describing them to the editor, checking connections and values, and upgrading saved params.
 * Module files import `index.ts` instead.
 */
export { type CatalogEntry, catalogEntry } from "./catalog.js";
export { parseJobState } from "./define-module.js";
export { strictParams, upgradeParams } from "./params.js";
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
