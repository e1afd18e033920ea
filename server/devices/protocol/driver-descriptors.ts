/**
 * The driver types labflow knows, as static descriptors: the devices file is checked against them
 * and pipeline capabilities are computed from them without starting any driver process.
 */

import { labflowSimDescriptor } from "../drivers/labflow-sim-descriptor.js";
import type { DriverDescriptor } from "./driver-api.js";

export const driverDescriptors: ReadonlyMap<string, DriverDescriptor> = new Map(
  [labflowSimDescriptor].map((descriptor) => [descriptor.type, descriptor]),
);

export function knownDriverTypes(): string[] {
  return [...driverDescriptors.keys()];
}
