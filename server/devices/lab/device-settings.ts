import { EngineError } from "../../engine/engine-error.js";
import type { SetAttributeAnswer } from "../../schema/pipelines-api.js";
import type { InstrumentsRuntime } from "./instruments-runtime.js";

/**
 * Sets a device attribute for a person (`labflow device set`, `POST /api/devices/...`): the value
 * is checked against the driver's declared type and range first, and the service refuses it while
 * a job uses the channel unless `force` is given.
 */
export async function setDeviceAttribute(
  lab: InstrumentsRuntime,
  request: {
    device: string;
    channel: string;
    attribute: string;
    value: number | string | boolean;
    force: boolean;
    by: string;
  },
): Promise<SetAttributeAnswer> {
  const { device, channel, attribute, value } = request;
  const declared = lab.config.devices.find((d) => d.name === device);
  if (!declared)
    throw new EngineError(
      "device_not_found",
      `no device "${device}" in the devices file (devices: ${lab.config.devices.map((d) => d.name).join(", ") || "none"})`,
    );
  if (!declared.channels.includes(channel))
    throw new EngineError(
      "channel_not_found",
      `device "${device}" has no channel "${channel}" (channels: ${declared.channels.join(", ")})`,
    );
  const refused = lab.services.instrumentRules?.whyNotSettable({ device, channel }, attribute, value);
  if (refused) throw new EngineError("attribute_refused", refused);
  const { forcedOver } = await lab.instruments.setAttribute({ device, channel }, attribute, value, {
    force: request.force,
    by: request.by,
  });
  return { device, channel, attribute, value, ...(forcedOver ? { forcedOver } : {}) };
}
