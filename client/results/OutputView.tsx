/** One output of a module's run, shown by its type: inline, a grid, a tree or a file. */
import type { PortType } from "../../server/schema/port-types.js";
import { TableValue } from "../../server/schema/port-types.js";
import { FileOutput } from "./FileOutput.js";
import { JsonTree } from "./JsonTree.js";
import { TableGrid } from "./TableGrid.js";

interface OutputViewProps {
  runId: string;
  port: string;
  /** The port's declared type, when the catalog knows the module. */
  type: PortType | undefined;
  value: unknown;
}

export function OutputView({ runId, port, type, value }: OutputViewProps) {
  if (type === "file" && typeof value === "string")
    return <FileOutput runId={runId} port={port} path={value} />;
  if (type === "table" || (type === "any" && TableValue.safeParse(value).success)) {
    const table = TableValue.safeParse(value);
    if (table.success) return <TableGrid table={table.data} label={`Table ${port}`} />;
  }
  if (value !== null && typeof value === "object") return <JsonTree value={value} label={`JSON ${port}`} />;
  if (typeof value === "string" && value === "") return <span className="lf-muted">(empty)</span>;
  return (
    <span className="lf-inline-value" data-port={port}>
      {typeof value === "string" ? value : JSON.stringify(value)}
    </span>
  );
}
