/**
 * Names a module id may not have. Ids become keys of plain objects on the way to the API and the
 * editor (a run's `modules`, a job's results); a key that is a name of Object.prototype reads the
 * prototype's member instead of the module (`__proto__`'s result would vanish, `constructor`'s
 * would be a function). Refused with `invalid_id`; docs/security.md lists them.
 */
export const RESERVED_IDS: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype), // __proto__, constructor, hasOwnProperty, toString, ...
  "prototype",
]);

/** Whether `name` is a port of `ports` itself, never a member of Object.prototype. */
export function hasPort(ports: object, name: string): boolean {
  return Object.hasOwn(ports, name);
}
