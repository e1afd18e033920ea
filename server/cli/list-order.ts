/** The CLI's one order for lists of runs and jobs: newest first, or oldest first when asked. */
import type { OptionSpecs } from "./command-spec.js";

export const OLDEST_FIRST_OPTION = {
  "oldest-first": { type: "boolean", description: "list the oldest first (default: the newest first)" },
} as const satisfies OptionSpecs;

/**
 * `items` sorted by the ISO time `at`, newest first unless `oldestFirst`. Items of the same
 * millisecond keep their given order when oldest first and are reversed when newest first, so give
 * them in the order they were created.
 */
export function inListOrder<T>(items: readonly T[], at: (item: T) => string, oldestFirst: boolean): T[] {
  const oldestFirstItems = [...items].sort((a, b) => at(a).localeCompare(at(b)));
  return oldestFirst ? oldestFirstItems : oldestFirstItems.reverse();
}
