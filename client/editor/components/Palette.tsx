/**
 * The palette: every module type of the catalog, grouped by package and searchable. Drag an item
 * onto the canvas, or double-click it (or press Enter on it) to add it in the middle of the view.
 */
import { memo, useDeferredValue, useMemo, useState } from "react";
import type { CatalogEntry } from "../../../server/schema/catalog.js";
import type { Catalog } from "../../platform/api/catalog.js";

export const MODULE_DRAG_TYPE = "application/x-labflow-module";

interface PaletteProps {
  catalog: Catalog;
  loading: boolean;
  error: string | undefined;
  onRetry: () => void;
  onAdd: (type: string) => void;
}

function matches(entry: CatalogEntry, words: string[]): boolean {
  const text = `${entry.label} ${entry.type} ${entry.description}`.toLowerCase();
  return words.every((w) => text.includes(w));
}

function PaletteView({ catalog, loading, error, onRetry, onAdd }: PaletteProps) {
  const [query, setQuery] = useState("");
  const deferred = useDeferredValue(query);
  const groups = useMemo(() => {
    const words = deferred.toLowerCase().split(/\s+/).filter(Boolean);
    const byPackage = new Map<string, CatalogEntry[]>();
    for (const entry of catalog.values()) {
      if (!matches(entry, words)) continue;
      const list = byPackage.get(entry.package);
      if (list) list.push(entry);
      else byPackage.set(entry.package, [entry]);
    }
    return [...byPackage.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([pkg, list]) => [pkg, list.sort((a, b) => a.label.localeCompare(b.label))] as const);
  }, [catalog, deferred]);

  return (
    <section className="lf-palette" aria-label="Modules">
      <div className="lf-panel-head">Modules</div>
      <input
        className="lf-search"
        type="search"
        placeholder="Search modules"
        aria-label="Search modules"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      {loading && <p className="lf-muted">Loading modules...</p>}
      {error && (
        <p className="lf-error-text">
          {error}{" "}
          <button type="button" onClick={onRetry}>
            Retry
          </button>
        </p>
      )}
      {!loading && !error && groups.length === 0 && <p className="lf-muted">No module matches "{query}".</p>}
      {groups.map(([pkg, entries]) => (
        <div className="lf-palette-group" key={pkg}>
          <h3 className="lf-palette-package">{pkg}</h3>
          <ul aria-label={`${pkg} modules`}>
            {entries.map((entry) => (
              <li key={entry.type}>
                <button
                  type="button"
                  className="lf-palette-item"
                  aria-label={entry.label}
                  title={`${entry.type}: ${entry.description}\nDouble-click or drag onto the canvas.`}
                  draggable
                  onDragStart={(e) => {
                    e.dataTransfer.setData(MODULE_DRAG_TYPE, entry.type);
                    e.dataTransfer.setData("text/plain", entry.type);
                    e.dataTransfer.effectAllowed = "copy";
                  }}
                  onDoubleClick={() => onAdd(entry.type)}
                  onKeyDown={(e) => {
                    if (e.key === "Enter") {
                      e.preventDefault();
                      onAdd(entry.type);
                    }
                  }}
                >
                  <span className="lf-palette-label">{entry.label}</span>
                  {entry.isJob && <span className="lf-tag">job</span>}
                  <span className="lf-palette-type">{entry.type}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}

export const Palette = memo(PaletteView);
