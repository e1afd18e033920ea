/** `npm run schema`: regenerates workflows/schema.json from the zod schema. */
import { writeFileSync } from "node:fs";
import { workflowJsonSchemaText } from "../schema/workflow-json-schema.js";

const target = new URL("../../workflows/schema.json", import.meta.url);
writeFileSync(target, workflowJsonSchemaText());
console.log(`wrote ${target.pathname}`);
