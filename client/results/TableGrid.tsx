/**
 * A `table` output as a grid: a header with units, rows virtualised (only the rows in view are in
 * the page, so a table of a hundred thousand rows scrolls as one of ten).
 */
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef } from "react";
import type { TableValue } from "../../server/schema/port-types.js";

const ROW_HEIGHT = 24;

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  return typeof value === "number" ? String(value) : JSON.stringify(value);
}

export function TableGrid({ table, label }: { table: TableValue; label: string }) {
  const scroller = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({
    count: table.rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const items = rows.getVirtualItems();
  const before = items[0]?.start ?? 0;
  const after = rows.getTotalSize() - (items.at(-1)?.end ?? 0);
  const span = Math.max(1, table.columns.length);
  return (
    <div className="lf-table">
      <div ref={scroller} className="lf-table-scroll">
        <table aria-label={label} aria-rowcount={table.rows.length + 1}>
          <thead>
            <tr>
              {table.columns.map((c) => (
                <th key={c.name} scope="col" title={c.unit ? `${c.name} (${c.unit})` : c.name}>
                  {c.name}
                  {c.unit && <span className="lf-muted"> ({c.unit})</span>}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {before > 0 && (
              <tr className="lf-table-spacer">
                <td colSpan={span} style={{ height: before, padding: 0 }} />
              </tr>
            )}
            {items.map((item) => (
              <tr key={item.key} aria-rowindex={item.index + 2} style={{ height: ROW_HEIGHT }}>
                {table.columns.map((c, i) => {
                  const text = cell(table.rows[item.index]?.[i]);
                  return (
                    <td key={c.name} title={text}>
                      {text}
                    </td>
                  );
                })}
              </tr>
            ))}
            {after > 0 && (
              <tr className="lf-table-spacer">
                <td colSpan={span} style={{ height: after, padding: 0 }} />
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <p className="lf-muted">
        {table.rows.length} row{table.rows.length === 1 ? "" : "s"}, {table.columns.length} column
        {table.columns.length === 1 ? "" : "s"}
      </p>
    </div>
  );
}
