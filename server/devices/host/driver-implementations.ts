/** The driver implementations a host process can run, by driver type. */

import { labflowSimDriver } from "../drivers/labflow-sim-driver.js";
import type { DriverImplementation } from "./driver-implementation.js";

export const driverImplementations: ReadonlyMap<string, DriverImplementation> = new Map(
  [labflowSimDriver].map((driver) => [driver.descriptor.type, driver]),
);
