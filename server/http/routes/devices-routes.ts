import { Router } from "express";
import { NO_DEVICES_MESSAGE } from "../../../modules/sdk/instruments.js";
import type { LabflowApp } from "../../app/labflow-app.js";
import { setDeviceAttribute } from "../../devices/lab/device-settings.js";
import { EngineError } from "../../engine/engine-error.js";
import { SetAttributeRequest } from "../../schema/pipelines-api.js";
import { parseBody } from "../validate-input.js";

/** `/api/devices`: setting an attribute (refused while a job uses the channel, unless forced). */
export function devicesRoutes({ runtime }: LabflowApp): Router {
  return Router().post("/:device/attributes/:name", async (req, res) => {
    const lab = runtime.instruments;
    if (!lab) throw new EngineError("no_devices", NO_DEVICES_MESSAGE);
    const { value, channel, force } = parseBody(SetAttributeRequest, req.body);
    res.json(
      await setDeviceAttribute(lab, {
        device: req.params.device,
        channel,
        attribute: req.params.name,
        value,
        force,
        by: "the API",
      }),
    );
  });
}
