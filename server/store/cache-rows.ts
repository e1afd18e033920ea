/**
 * The cache entries of one group commit as multi-row upserts: a 10,000-module run caches 10,000
 * results, and one INSERT of 256 rows costs far less than 256 INSERTs of one (each run of a
 * statement crosses into SQLite and back, binds and resets).
 */
import type Database from "better-sqlite3";
import type { WriteStatement } from "./group-commit.js";

/** The values of one cache row, in the order of the columns below. */
export const CACHE_ROW_VALUES = 3;

/** At most this many rows per INSERT (768 parameters, well under SQLite's limit). */
const MOST_ROWS = 256;

const ON_CONFLICT = `
  ON CONFLICT (signature) DO UPDATE
  SET module_type = excluded.module_type, outputs = excluded.outputs, created_at = excluded.created_at`;

/**
 * Runs a flat list of cache rows ([signature, module_type, outputs, ...]) as upserts of a power of
 * two rows each, so at most nine statements are ever prepared. Rows keep their order, and a
 * signature given twice ends with its last outputs, as separate upserts would.
 */
export class CacheRowsStatement implements WriteStatement {
  private readonly bySize = new Map<number, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  run(values: unknown[]): void {
    const rows = values.length / CACHE_ROW_VALUES;
    for (let start = 0; start < rows; ) {
      const count = largestPowerOfTwoUpTo(Math.min(MOST_ROWS, rows - start));
      const chunk =
        count === rows ? values : values.slice(start * CACHE_ROW_VALUES, (start + count) * CACHE_ROW_VALUES);
      this.statementFor(count).run(chunk);
      start += count;
    }
  }

  private statementFor(rows: number): Database.Statement {
    let statement = this.bySize.get(rows);
    if (!statement) {
      const row = "(?, ?, ?)";
      const values = new Array<string>(rows).fill(row).join(", ");
      statement = this.db.prepare(
        `INSERT INTO cache (signature, module_type, outputs) VALUES ${values} ${ON_CONFLICT}`,
      );
      this.bySize.set(rows, statement);
    }
    return statement;
  }
}

function largestPowerOfTwoUpTo(n: number): number {
  let power = 1;
  while (power * 2 <= n) power *= 2;
  return power;
}
