/**
 * The module catalog by type. Its entries are the contract's (server/schema/catalog.ts), so the
 * browser bundle never imports module code.
 */
import type { CatalogEntry } from "../../../server/schema/catalog.js";

/** The catalog by module type. */
export type Catalog = ReadonlyMap<string, CatalogEntry>;

export function indexCatalog(entries: readonly CatalogEntry[]): Catalog {
  return new Map(entries.map((entry) => [entry.type, entry]));
}
