import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import {
  LATEST_SCHEMA_VERSION,
  MIGRATIONS,
  migrate,
  schemaVersion,
} from "../../../server/store/migrations.js";
import { DATABASE_FILE_NAME, openSqliteStore } from "../../../server/store/sqlite-store.js";
import { tempDir } from "../../helpers/temp-dir.js";

function withDatabase<T>(file: string, use: (db: Database.Database) => T): T {
  const db = new Database(file);
  try {
    return use(db);
  } finally {
    db.close();
  }
}

describe("store migrations", () => {
  it("numbers migrations 1, 2, 3... in order", () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, index) => index + 1));
    expect(LATEST_SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it("brings a new database to the latest version", () => {
    const dataDir = tempDir();
    openSqliteStore(dataDir).close();
    const file = join(dataDir, DATABASE_FILE_NAME);
    expect(withDatabase(file, schemaVersion)).toBe(LATEST_SCHEMA_VERSION);
    expect(withDatabase(file, (db) => db.pragma("journal_mode", { simple: true }))).toBe("wal");
  });

  it("refuses a database from a newer labflow, naming the file and both versions, and leaves it alone", () => {
    const dataDir = tempDir();
    const file = join(dataDir, DATABASE_FILE_NAME);
    withDatabase(file, (db) => db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`));
    expect(() => openSqliteStore(dataDir)).toThrow(
      `${file} has schema version ${LATEST_SCHEMA_VERSION + 1}, written by a newer labflow; ` +
        `this labflow knows up to version ${LATEST_SCHEMA_VERSION}`,
    );
    expect(withDatabase(file, schemaVersion)).toBe(LATEST_SCHEMA_VERSION + 1);
    expect(withDatabase(file, (db) => db.pragma("journal_mode", { simple: true }))).toBe("delete");
  });

  it("applies only the pending migrations, each in its own transaction", () => {
    const file = join(tempDir(), "steps.db");
    const steps = [
      { version: 1, description: "t1", up: (db: Database.Database) => db.exec("CREATE TABLE t1 (x)") },
      {
        version: 2,
        description: "t2, then fails",
        up: (db: Database.Database) => {
          db.exec("CREATE TABLE t2 (x)");
          throw new Error("half-way");
        },
      },
    ];
    withDatabase(file, (db) => {
      expect(() => migrate(db, file, steps)).toThrow("half-way");
      expect(schemaVersion(db)).toBe(1);
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
      expect(tables).toEqual(["t1"]);
      // Run again with a fixed step 2: step 1 is not applied twice.
      migrate(db, file, [
        steps[0]!,
        { version: 2, description: "t2", up: (d) => d.exec("CREATE TABLE t2 (x)") },
      ]);
      expect(schemaVersion(db)).toBe(2);
    });
  });
});
