import { discoverBuiltinModules } from "../../../modules/sdk/registry.js";
import { validateWorkflow } from "../../engine/validate-workflow.js";
import { defineCommand } from "../command-spec.js";
import { readWorkflowFile } from "../read-workflow-file.js";

export const validateSpec = defineCommand({
  name: "validate",
  summary: "check a workflow document (exit 1 with every problem, named by module and port)",
  args: [{ name: "FILE" }],
  options: {},
  run: ({ args }) => validateCommand(args[0] as string),
});

/** `labflow validate FILE`: checks a document without running it or touching any store. */
export async function validateCommand(file: string): Promise<number> {
  const document = readWorkflowFile(file);
  const graph = validateWorkflow(document, await discoverBuiltinModules());
  console.log(
    `${file}: valid (${graph.nodes.length} modules, ${graph.document.connections.length} connections)`,
  );
  return 0;
}
