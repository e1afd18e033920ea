/** A JSON value as a collapsible tree: objects and arrays fold, the first levels open. */

const OPEN_LEVELS = 2;
const MAX_CHILDREN = 500;

function Scalar({ value }: { value: unknown }) {
  const text = typeof value === "string" ? JSON.stringify(value) : String(value);
  return <span className={`lf-json-${value === null ? "null" : typeof value}`}>{text}</span>;
}

function Node({ name, value, depth }: { name: string | undefined; value: unknown; depth: number }) {
  const key = name === undefined ? null : <span className="lf-json-key">{name}: </span>;
  if (value === null || typeof value !== "object") {
    return (
      <div className="lf-json-leaf">
        {key}
        <Scalar value={value} />
      </div>
    );
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  const summary = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`;
  return (
    <details className="lf-json-node" open={depth < OPEN_LEVELS}>
      <summary>
        {key}
        <span className="lf-muted">{summary}</span>
      </summary>
      {entries.slice(0, MAX_CHILDREN).map(([k, v]) => (
        <Node key={k} name={k} value={v} depth={depth + 1} />
      ))}
      {entries.length > MAX_CHILDREN && (
        <div className="lf-muted">… {entries.length - MAX_CHILDREN} more (download the run's files)</div>
      )}
    </details>
  );
}

export function JsonTree({ value, label }: { value: unknown; label: string }) {
  return (
    <div className="lf-json-tree" role="tree" aria-label={label}>
      <Node name={undefined} value={value} depth={0} />
    </div>
  );
}
