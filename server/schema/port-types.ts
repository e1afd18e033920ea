/**
 * The port types of the wire contract: which values a port carries and which connections are
 * allowed. Defined with the module SDK (modules/sdk/port-types.ts, pure zod), where module authors
 * meet them; the client reaches them here, as it reaches every shape it shares with the server.
 */
export {
  canConnect,
  PORT_TYPES,
  type PortType,
  portValueSchema,
  TableValue,
  whyCannotConnect,
} from "../../modules/sdk/port-types.js";
