import { discoverBuiltinModules } from "../../../modules/sdk/registry.js";
import { DevicesFileError, findDevicesFile, loadDevicesFile } from "../../devices/lab/devices-file.js";
import { instrumentRulesOf } from "../../devices/lab/instruments-runtime.js";
import { validateWorkflow } from "../../engine/validate-workflow.js";
import { CliError } from "../cli-error.js";
import { defineCommand } from "../command-spec.js";
import { DATA_OPTION, dataFolder } from "../data-folder-option.js";
import { readWorkflowFile } from "../read-workflow-file.js";

export const validateSpec = defineCommand({
  name: "validate",
  summary: "check a workflow document (exit 1 with every problem, named by module and port)",
  details:
    "With a devices file (--devices FILE, or devices.json|yaml in the data folder), instrument params\nare checked against its drivers too, as a run's start is.",
  args: [{ name: "FILE" }],
  options: {
    devices: {
      type: "string",
      value: "FILE",
      description: "check instrument params against this devices file (default DATA/devices.json|yaml)",
    },
    ...DATA_OPTION,
  },
  run: ({ values, args }) => validateCommand(args[0] as string, dataFolder(values.data), values.devices),
});

/**
 * `labflow validate FILE`: checks a document without running it or touching any store. With a
 * devices file, instrument params are checked against its drivers too (a setpoint out of range, an
 * unknown param), as a run's start is.
 */
export async function validateCommand(file: string, dataDir: string, devices?: string): Promise<number> {
  const document = readWorkflowFile(file);
  const devicesFile = findDevicesFile(dataDir, devices);
  let services = {};
  try {
    if (devicesFile) services = { instrumentRules: instrumentRulesOf(loadDevicesFile(devicesFile)) };
  } catch (error) {
    if (error instanceof DevicesFileError) throw new CliError(error.message);
    throw error;
  }
  const graph = validateWorkflow(document, await discoverBuiltinModules(), { services });
  console.log(
    `${file}: valid (${graph.nodes.length} modules, ${graph.document.connections.length} connections)${devicesFile ? `; instrument params checked against ${devicesFile}` : ""}`,
  );
  return 0;
}
