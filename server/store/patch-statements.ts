import type Database from "better-sqlite3";

/** How one field of a record maps to a column, for patches. */
export interface PatchColumn {
  field: string;
  column: string;
  /** The record always has it: `undefined` in a patch leaves it unchanged instead of clearing it. */
  required?: boolean;
  /** From the field's value to what SQLite binds (JSON text, 0/1). */
  encode?: (value: unknown) => unknown;
}

/** A bound UPDATE, ready to queue. */
export interface BoundUpdate {
  statement: Database.Statement;
  /** The new values in column order, then the key. */
  params: unknown[];
}

/**
 * UPDATE statements for partial records, one per set of patched fields ("shape"), each prepared the
 * first time that shape is seen and reused after. A statement naming only the patched columns runs
 * about twice as fast as one generic statement that binds every column with a "keep it" flag, and the
 * engine uses a handful of shapes.
 *
 * Patch semantics are those of `{ ...record, ...patch }`: an optional field given as `undefined` is
 * cleared (NULL); a field that is not a column (a key, or a derived field) is ignored.
 */
export class PatchStatements {
  private readonly byShape = new Map<number, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly table: string,
    private readonly columns: readonly PatchColumn[],
    private readonly keyColumns: readonly string[],
  ) {
    if (columns.length > 31) throw new Error(`${table}: a patch shape is a 31-bit mask; split the columns`);
  }

  /** The UPDATE for what `patch` sets, or undefined when it sets nothing. */
  bind(patch: object, key: readonly unknown[]): BoundUpdate | undefined {
    const fields = patch as Record<string, unknown>;
    const params: unknown[] = [];
    let shape = 0;
    for (let index = 0; index < this.columns.length; index++) {
      const column = this.columns[index] as PatchColumn;
      if (!(column.field in fields)) continue;
      const value = fields[column.field];
      if (value === undefined) {
        if (column.required) continue;
        params.push(null);
      } else {
        params.push(column.encode ? column.encode(value) : value);
      }
      shape |= 1 << index;
    }
    if (shape === 0) return undefined;
    for (const part of key) params.push(part);
    return { statement: this.statementFor(shape), params };
  }

  private statementFor(shape: number): Database.Statement {
    let statement = this.byShape.get(shape);
    if (!statement) {
      const assignments = this.columns
        .filter((_, index) => shape & (1 << index))
        .map((column) => `${column.column} = ?`)
        .join(", ");
      const where = this.keyColumns.map((column) => `${column} = ?`).join(" AND ");
      statement = this.db.prepare(`UPDATE ${this.table} SET ${assignments} WHERE ${where}`);
      this.byShape.set(shape, statement);
    }
    return statement;
  }
}
