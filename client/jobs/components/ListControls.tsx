/** Filter by state, search by name, sort by time. */
import { type SortOrder, STATE_FILTERS, type StateFilter } from "../job-rows.js";

interface ListControlsProps {
  state: StateFilter;
  search: string;
  sort: SortOrder;
  onState(state: StateFilter): void;
  onSearch(search: string): void;
  onSort(sort: SortOrder): void;
}

export function ListControls(p: ListControlsProps) {
  return (
    <div className="lf-jobs-controls">
      <input
        type="search"
        aria-label="Search jobs"
        placeholder="Search by name, type, run…"
        value={p.search}
        onChange={(e) => p.onSearch(e.target.value)}
      />
      <select
        aria-label="Filter by state"
        value={p.state}
        onChange={(e) => p.onState(e.target.value as StateFilter)}
      >
        {STATE_FILTERS.map((f) => (
          <option key={f.value} value={f.value}>
            {f.label}
          </option>
        ))}
      </select>
      <select
        aria-label="Sort by time"
        value={p.sort}
        onChange={(e) => p.onSort(e.target.value as SortOrder)}
      >
        <option value="newest">Newest first</option>
        <option value="oldest">Oldest first</option>
      </select>
    </div>
  );
}
