import { describe, expect, it } from "vitest";
import { discoverBuiltinModules } from "../../../modules/sdk/registry.js";
import { parseDevicesText } from "../../../server/devices/lab/devices-file.js";
import { catalogOf, instrumentRulesOf } from "../../../server/devices/lab/instruments-runtime.js";
import { fittingPipelines } from "../../../server/devices/lab/pipeline-matching.js";
import { EngineError } from "../../../server/engine/engine-error.js";
import { validateWorkflow } from "../../../server/engine/validate-workflow.js";
import { workflow } from "../../helpers/workflow-builder.js";

const config = parseDevicesText(`devices:
  - { name: furnace, driver: labflow-sim, address: /dev/ttyUSB0 }
pipelines:
  - { name: p1, roles: { heater: { device: furnace } } }
`);
const services = { instrumentRules: instrumentRulesOf(config) };

const ramp = (taskParams: Record<string, unknown>) =>
  workflow("ramp")
    .module("r", "instruments.Task", { role: "heater", technique: "ramp", taskParams, duration: 2 })
    .build();

async function problemsOf(document: unknown): Promise<{ code: string; field?: string; message: string }[]> {
  try {
    validateWorkflow(document, await discoverBuiltinModules(), { services });
  } catch (error) {
    if (error instanceof EngineError) return error.problems as never;
    throw error;
  }
  return [];
}

describe("task params checked against the driver's schema before a run starts", () => {
  it("refuses a setpoint outside the instrument's range, naming the module, field and limits", async () => {
    expect(await problemsOf(ramp({ setpoint: 9000 }))).toEqual([
      {
        code: "param_refused",
        moduleId: "r",
        field: "params.taskParams",
        message:
          'no pipeline can ever run this task: the task\'s params are refused by every pipeline that could run it (p1: device "furnace" (labflow-sim) refuses ramp: param "setpoint" 9000 is outside [-50, 400])',
      },
    ]);
  });

  it("refuses a wrong type, a missing required param and an unknown one", async () => {
    const [typed] = await problemsOf(ramp({ setpoint: "hot" }));
    expect(typed?.message).toContain('param "setpoint" must be a number (got "hot")');
    const [missing] = await problemsOf(ramp({}));
    expect(missing?.message).toContain('param "setpoint" is required (a number)');
    const [unknown] = await problemsOf(ramp({ setpoint: 50, stir: 3 }));
    expect(unknown?.message).toContain('unknown param "stir" (ramp takes setpoint, rampRate)');
  });

  it("accepts good params, and checks nothing without a devices file", async () => {
    expect(await problemsOf(ramp({ setpoint: 60, rampRate: 20 }))).toEqual([]);
    expect(() =>
      validateWorkflow(
        ramp({ setpoint: 9000 }),
        // no services lent: the job fails at its start saying how to configure instruments
        undefined as never,
      ),
    ).toThrow();
  });

  it("refuses a SetAttribute value outside the attribute's range or on a read-only attribute", async () => {
    const set = (attribute: string, value: unknown) =>
      workflow("set")
        .module("s", "instruments.SetAttribute", { pipeline: "p1", role: "heater", attribute, value })
        .build();
    expect((await problemsOf(set("setpoint", 9000)))[0]?.message).toBe(
      'device "furnace" (labflow-sim): attribute "setpoint" 9000 °C is outside [-50, 400]',
    );
    expect((await problemsOf(set("temperature", 20)))[0]?.message).toContain("read-only");
    expect(await problemsOf(set("setpoint", 35))).toEqual([]);
  });

  it("never lets a pipeline fit a request whose params its driver refuses", () => {
    const catalog = catalogOf(config);
    const request = { role: "heater", technique: "ramp", params: { setpoint: 9000 } };
    expect(fittingPipelines(catalog, request)).toMatch(/refuses ramp/);
    expect(fittingPipelines(catalog, { ...request, params: { setpoint: 90 } })).toHaveLength(1);
  });
});

describe("instruments.Payload params", () => {
  it("refuses a payload whose step on any role the driver refuses, or whose role no pipeline has", async () => {
    const payload = (roles: Record<string, unknown[]>) =>
      workflow("payload").module("p", "instruments.Payload", { roles }).build();
    const [bad] = await problemsOf(
      payload({
        heater: [
          { technique: "acquire", duration: 1 },
          { technique: "ramp", params: { setpoint: 9000 }, duration: 1 },
        ],
      }),
    );
    expect(bad).toMatchObject({ code: "param_refused", field: "params.roles" });
    expect(bad?.message).toContain('param "setpoint" 9000 is outside [-50, 400]');
    const [noRole] = await problemsOf(payload({ heater: [{ duration: 1 }], stirrer: [{ duration: 1 }] }));
    expect(noRole?.message).toContain('no pipeline has a role "stirrer"');
    expect(
      await problemsOf(payload({ heater: [{ technique: "ramp", params: { setpoint: 50 }, duration: 1 }] })),
    ).toEqual([]);
  });
});
