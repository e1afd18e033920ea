import type Database from "better-sqlite3";

/** One step of the schema. `version` counts up from 1; `PRAGMA user_version` records the last applied. */
export interface Migration {
  version: number;
  description: string;
  up(db: Database.Database): void;
}
