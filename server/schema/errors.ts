/**
 * The one registry of labflow's error codes: each code's kind and HTTP status, and when it is
 * given. Routes map an error to its status by looking its code up here (never by reading the code's
 * text); the table in docs/api.md is written from it (`npm run errors-table`, kept equal by a test);
 * the UI and the CLI tell a person whether it is their input, the lab, or a bug in labflow.
 *
 * Kinds: `user` — the request or document is wrong, the person can fix it; `operational` — the
 * lab or the machine is not as needed (a device away, a data folder in use), nobody's input is
 * wrong; `bug` — labflow broke its own rules.
 */
import type { ProblemKind } from "./problem.js";

interface ErrorSpec {
  kind: ProblemKind;
  status: number;
  when: string;
}

export const ERRORS = {
  // The request itself.
  invalid_json: { kind: "user", status: 400, when: "the body is not valid JSON" },
  invalid_body: {
    kind: "user",
    status: 400,
    when: 'the body does not fit its schema (`field` names the field; an unknown field reads `"<field>: unknown field"`), or is not JSON at all',
  },
  invalid_query: { kind: "user", status: 400, when: "a query parameter does not fit (`field` names it)" },
  invalid_name: {
    kind: "user",
    status: 400,
    when: "a workflow name is not `[A-Za-z0-9_.-]{1,100}` or starts with a dot",
  },
  bad_request: {
    kind: "user",
    status: 400,
    when: "a malformed `%`-escape in the path, and other malformed requests",
  },
  body_too_deep: {
    kind: "user",
    status: 400,
    when: "the body nests arrays and objects more than 128 levels deep",
  },
  invalid_idempotency_key: {
    kind: "user",
    status: 400,
    when: "the `Idempotency-Key` header is not 1 to 255 printable ASCII characters",
  },
  unauthorized: {
    kind: "user",
    status: 401,
    when: "the token is missing, empty or wrong (every route, loopback too)",
  },
  forbidden_origin: {
    kind: "user",
    status: 403,
    when: "the `Origin` is not the server's own (scheme, host and port)",
  },
  forbidden_host: { kind: "user", status: 403, when: "the `Host` is not one of the server's names" },
  not_found: { kind: "user", status: 404, when: "no such API route" },
  body_too_large: { kind: "user", status: 413, when: "the body is over the size limit (5 MB by default)" },
  too_many_modules: {
    kind: "user",
    status: 413,
    when: "the document has more modules than the limit (`field` is `modules`)",
  },
  too_many_connections: {
    kind: "user",
    status: 413,
    when: "the document has more connections than the limit (`field` is `connections`)",
  },
  unsupported_charset: { kind: "user", status: 415, when: "a body in another charset than UTF-8" },
  unsupported_encoding: { kind: "user", status: 415, when: "an unknown `Content-Encoding`" },
  idempotency_key_reused: {
    kind: "user",
    status: 422,
    when: "an `Idempotency-Key` sent before with another body",
  },
  shutting_down: {
    kind: "operational",
    status: 503,
    when: "the server is shutting down (a WebSocket upgrade)",
  },
  internal: {
    kind: "bug",
    status: 500,
    when: "a bug: the message is generic, the stack goes to the server's stderr",
  },

  // Workflow documents: `invalid_workflow` carries `problems`, each with one of the codes after it.
  invalid_workflow: {
    kind: "user",
    status: 400,
    when: "the document does not validate: `problems` names each module and port",
  },
  invalid_document: {
    kind: "user",
    status: 400,
    when: "a problem: a field of the document does not fit the schema",
  },
  document_not_object: { kind: "user", status: 400, when: "a problem: the document is not a JSON object" },
  document_version: { kind: "user", status: 400, when: "a problem: the document has no usable `version`" },
  document_too_new: {
    kind: "user",
    status: 400,
    when: "a problem: the document was written by a newer labflow",
  },
  invalid_id: {
    kind: "user",
    status: 400,
    when: "a problem: a module id is a reserved name (`__proto__`, `constructor`, ...)",
  },
  duplicate_module_id: { kind: "user", status: 400, when: "a problem: two modules have the same id" },
  unknown_module_type: { kind: "user", status: 400, when: "a problem: no module has that type" },
  module_version_too_new: {
    kind: "user",
    status: 400,
    when: "a problem: the document names a newer version of a module",
  },
  unknown_module: {
    kind: "user",
    status: 400,
    when: "a connection or a `rerun` names a module the document does not have",
  },
  unknown_port: {
    kind: "user",
    status: 400,
    when: "a problem: a connection names a port the module does not have",
  },
  incompatible_ports: {
    kind: "user",
    status: 400,
    when: "a problem: the port types of a connection do not fit",
  },
  input_already_connected: {
    kind: "user",
    status: 400,
    when: "a problem: a second connection into a single-valued input",
  },
  missing_input: { kind: "user", status: 400, when: "a problem: a required input is not connected" },
  cycle: { kind: "user", status: 400, when: "a problem: the connections form a cycle" },
  invalid_param: {
    kind: "user",
    status: 400,
    when: "a problem: a param does not fit, or the module has no such param (`field` is `params.<name>`)",
  },
  param_refused: {
    kind: "user",
    status: 400,
    when: "a problem: what the server lends refuses a param the schema takes (a setpoint out of an instrument's range)",
  },
  param_upgrade_failed: {
    kind: "bug",
    status: 400,
    when: "a problem: a module's upgrade of older params threw",
  },

  // Runs, jobs and their data.
  run_not_found: { kind: "user", status: 404, when: "no such run" },
  job_not_found: { kind: "user", status: 404, when: "no such job" },
  workflow_not_found: { kind: "user", status: 404, when: "no such saved or example workflow" },
  no_log: { kind: "user", status: 404, when: "the job's module has no such stream (a timer has no stdout)" },
  data_not_found: { kind: "user", status: 404, when: "the job keeps no data file" },
  file_not_found: {
    kind: "user",
    status: 404,
    when: "no such file in the run's or job's folder (or the path names a folder)",
  },
  file_outside_folder: {
    kind: "user",
    status: 403,
    when: "a file path leads outside the run's or job's folder (`..`, another absolute path, a linked folder)",
  },
  file_is_link: {
    kind: "user",
    status: 403,
    when: "the file is a symbolic link or has other hard links: it may be a file from outside the folder",
  },
  read_only: { kind: "user", status: 403, when: "writing or deleting an example workflow" },
  run_not_active: { kind: "user", status: 409, when: "resuming a run that is not running or suspended" },
  run_active: { kind: "user", status: 409, when: "deleting a run that is not finished (cancel it first)" },
  cancel_failed: {
    kind: "operational",
    status: 409,
    when: "deleting a job whose cancel failed: its work may still run (the message says why)",
  },

  // Instruments.
  no_devices: { kind: "operational", status: 409, when: "the server has no devices file" },
  pipeline_not_found: { kind: "user", status: 404, when: "no such pipeline" },
  role_not_found: { kind: "user", status: 404, when: "the pipeline has no such role" },
  pipeline_full: { kind: "user", status: 409, when: "loading a sample into a pipeline that holds one" },
  pipeline_empty: {
    kind: "user",
    status: 409,
    when: "marking ready or ejecting a pipeline that holds no sample",
  },
  pipeline_busy: { kind: "user", status: 409, when: "ejecting or changing a pipeline while a job holds it" },
  invalid_sample: { kind: "user", status: 400, when: "a sample name that is empty or too long" },
  clusters_file_invalid: {
    kind: "user",
    status: 400,
    when: "the clusters file does not validate: the message names each cluster, field and line",
  },
  devices_file_invalid: {
    kind: "user",
    status: 400,
    when: "the devices file does not validate: the message names each entry, field and line",
  },
  device_not_found: { kind: "user", status: 404, when: "no such device in the devices file" },
  channel_not_found: { kind: "user", status: 404, when: "the device has no such channel" },
  attribute_refused: {
    kind: "user",
    status: 400,
    when: "the driver refuses the attribute or its value (unknown, of the wrong type, out of range)",
  },
  device_in_use: {
    kind: "user",
    status: 409,
    when: "setting an attribute of a channel a running job uses, without force (the message names the job)",
  },
  no_claim: { kind: "bug", status: 409, when: "an instrument task of a job that holds no pipeline" },

  // The data folder and its store.
  data_folder_in_use: {
    kind: "operational",
    status: 409,
    when: "another labflow process holds the data folder",
  },
  data_folder_unusable: {
    kind: "operational",
    status: 500,
    when: "the data folder cannot be created or locked",
  },
  store_schema_too_new: {
    kind: "operational",
    status: 500,
    when: "the database was written by a newer labflow",
  },
  store_write_failed: {
    kind: "bug",
    status: 500,
    when: "a write broke a constraint; its group was rolled back",
  },
  store_closed: { kind: "bug", status: 500, when: "a write after the store was closed" },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

/** Whether `code` is a registered error code. */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERRORS, code);
}

/** Who can fix it, in a person's words. */
export const KIND_WORDS: Record<ProblemKind, string> = {
  user: "your input",
  operational: "the lab or this machine",
  bug: "a bug in labflow",
};

/** Where an error points: the module, port, field or line it concerns. */
export interface ErrorPlace {
  moduleId?: string;
  port?: string;
  field?: string;
  line?: number;
}

/**
 * The one error class of labflow's own refusals and failures: a registered code, a message a person
 * can act on, the place, and (for a document) every problem found. Its status and kind come from
 * the registry.
 */
export class LabflowError extends Error {
  readonly code: ErrorCode;
  readonly place: ErrorPlace;
  readonly problems: {
    code: string;
    message: string;
    moduleId?: string;
    port?: string;
    field?: string;
    line?: number;
  }[];

  constructor(
    code: ErrorCode,
    message: string,
    options: { place?: ErrorPlace; problems?: LabflowError["problems"]; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "LabflowError";
    this.code = code;
    this.place = options.place ?? {};
    this.problems = options.problems ?? [];
    this.status = ERRORS[code].status;
    this.kind = ERRORS[code].kind;
  }

  /**
   * Plain fields, not getters: libraries that pass errors along (body-parser's http-errors) set
   * `status` on the error they get.
   */
  status: number;
  readonly kind: ProblemKind;
}
