import { z } from "zod";

/**
 * A module's params: a shape (`{ seconds: z.number().default(5) }`) or a `z.object(...)`. Either way
 * `defineModule` makes it strict: a key the module does not declare is refused, never ignored.
 */
export type ParamsDeclaration = z.ZodObject | z.core.$ZodLooseShape;

/** The params a module receives (defaults applied) for a declaration. */
export type ParamsOf<P extends ParamsDeclaration> = P extends z.ZodObject
  ? z.output<P>
  : P extends z.core.$ZodShape
    ? z.output<z.ZodObject<P, z.core.$strict>>
    : never;

/** Upgrades params saved with an older module version, one version at a time. */
export type ParamsUpgrade = (params: Record<string, unknown>) => Record<string, unknown>;

/**
 * The strict schema of a module's params: a shape becomes `z.strictObject`, a `z.object` is made
 * strict (its refinements and description kept). A key the module does not declare is then an
 * `unrecognized_keys` issue, never silently dropped (a typo must not let a default run).
 */
export function strictParams(type: string, declaration: ParamsDeclaration): z.ZodObject {
  if (!(declaration instanceof z.ZodObject)) {
    if (declaration instanceof z.ZodType)
      throw new Error(`module ${type}: params must be a shape or a z.object, not a ${declaration.def.type}`);
    return z.strictObject(declaration as z.core.$ZodLooseShape);
  }
  const catchall = declaration.def.catchall;
  if (catchall === undefined) {
    const strict = declaration.strict();
    const meta = z.globalRegistry.get(declaration);
    return meta ? strict.meta(meta) : strict;
  }
  if (catchall instanceof z.ZodNever) return declaration;
  throw new Error(`module ${type}: params must not accept unknown keys (a loose object or catchall)`);
}

/**
 * Brings params saved with an older module version up to the current one through the module's
 * `upgrade` hooks, one version at a time (versions without a hook need no change).
 */
export function upgradeParams(
  definition: { version: number; upgrade?: Record<number, ParamsUpgrade> },
  fromVersion: number,
  params: Record<string, unknown>,
): Record<string, unknown> {
  let current = params;
  for (let v = fromVersion; v < definition.version; v++) {
    const step = definition.upgrade?.[v];
    if (step) current = step(structuredClone(current));
  }
  return current;
}
