import { LabflowError } from "../schema/errors.js";

/**
 * Why the Store refused or failed, as a stable code; the message names the place (file, table, key).
 * - `store_write_failed`: a write broke a constraint (a bug in the caller); its group was rolled back.
 * - `store_schema_too_new`: the database was made by a newer labflow.
 * - `store_closed`: a write after `close()`.
 * - `data_folder_in_use`: another labflow process (or another opening in this one) holds the data
 *   folder's lock.
 * - `data_folder_unusable`: the data folder cannot be created or locked (a file in its place, no
 *   permission, an `owner.lock` that is not labflow's).
 */
export type StoreErrorCode =
  | "store_write_failed"
  | "store_schema_too_new"
  | "store_closed"
  | "data_folder_in_use"
  | "data_folder_unusable";

/** An error of the SQLite store or of the data folder lock; its kind and status are registered. */
export class StoreError extends LabflowError {
  declare readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = "StoreError";
  }
}
