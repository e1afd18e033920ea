/** The driver implementations a host process can run, by driver type. */
import type { DriverImplementation } from "./driver-implementation.js";
import { labflowSimDriver } from "./drivers/labflow-sim-driver.js";

export const driverImplementations: ReadonlyMap<string, DriverImplementation> = new Map(
  [labflowSimDriver].map((driver) => [driver.descriptor.type, driver]),
);
