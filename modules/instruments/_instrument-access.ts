import type { ModuleServices } from "../sdk/instruments.js";
import { ModuleError } from "../sdk/module-error.js";

/** How a person makes instruments available, in the words every instrument module fails with. */
export const NO_DEVICES_MESSAGE =
  "no instruments are configured: declare devices and pipelines in a devices file and start the " +
  "server with `labflow serve --devices FILE` (or put devices.json or devices.yaml in the data " +
  "folder); see docs/instruments.md";

/** The server's instrument access, or a clear error saying how to configure one. */
export function requireInstruments(services: ModuleServices | undefined) {
  const instruments = services?.instruments;
  if (!instruments) throw new ModuleError("no_devices", NO_DEVICES_MESSAGE);
  return instruments;
}
