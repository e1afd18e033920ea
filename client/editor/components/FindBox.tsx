/**
 * The find box (Ctrl+F): type an id, label or type; Enter frames the first match and selects it,
 * Enter again goes to the next one, Escape closes. Matching is core/find.ts.
 */
import { useReactFlow } from "@xyflow/react";
import { useEffect, useMemo, useRef, useState } from "react";
import { findModules } from "../core/find.js";
import { selectModules } from "../core/selection.js";
import { useEditor, useStore } from "../hooks/useEditor.js";

export function FindBox({ onClose }: { onClose: () => void }) {
  const store = useStore();
  const doc = useEditor((s) => s.doc);
  const catalog = useEditor((s) => s.catalog);
  const { fitView } = useReactFlow();
  const [query, setQuery] = useState("");
  const [next, setNext] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const matches = useMemo(() => findModules(doc, catalog, query), [doc, catalog, query]);
  useEffect(() => input.current?.focus(), []);

  const frame = () => {
    if (matches.length === 0) return;
    const id = matches[next % matches.length] as string;
    setNext((n) => (n + 1) % matches.length);
    store.select(selectModules([id]));
    void fitView({ nodes: [{ id }], maxZoom: 1, padding: 0.5, duration: 200, includeHiddenNodes: true });
  };

  return (
    <search className="lf-find">
      <input
        ref={input}
        type="search"
        aria-label="Find a module"
        placeholder="Find a module: id, label or type"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setNext(0);
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            frame();
          } else if (e.key === "f" && (e.ctrlKey || e.metaKey)) {
            e.preventDefault(); // Ctrl+F again stays here, not in the browser's find.
            input.current?.select();
          } else if (e.key === "Escape") {
            e.preventDefault();
            onClose();
          }
        }}
      />
      <span className="lf-muted" data-testid="find-count">
        {query.trim() === "" ? "" : matches.length === 1 ? "1 match" : `${matches.length} matches`}
      </span>
      <button type="button" className="lf-link" aria-label="Close find" onClick={onClose}>
        close
      </button>
    </search>
  );
}
