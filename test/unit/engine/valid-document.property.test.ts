/**
 * The fast path for valid documents (server/engine/valid-document.ts) against the schema it
 * shortcuts: for any document, it either defers to zod (undefined) or gives exactly zod's value.
 * It must never accept what zod refuses, also after the schema changes: random documents are a
 * valid one with random values put in random places, including lengths around every limit.
 * The seed is printed; rerun a failure with FC_SEED=<seed>.
 */
import fc from "fast-check";
import { expect, it } from "vitest";
import { validDocument } from "../../../server/engine/valid-document.js";
import { WorkflowDocument } from "../../../server/schema/workflow-document.js";

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`valid-document properties: seed ${seed} (rerun with FC_SEED=${seed})`);

const base = () => ({
  version: 1,
  name: "w",
  description: "about",
  modules: [
    { id: "a", type: "test.Number", version: 1, label: "A", params: { value: 2 }, position: { x: 0, y: 0 } },
    { id: "b", type: "test.Inc" },
  ],
  connections: [{ from: { module: "a", port: "value" }, to: { module: "b", port: "x" } }],
});

/** Paths where a value may be put (a missing key is added there). */
const PLACES: (string | number)[][] = [
  ["version"],
  ["name"],
  ["description"],
  ["extra"],
  ["modules"],
  ["modules", 0, "id"],
  ["modules", 0, "type"],
  ["modules", 0, "version"],
  ["modules", 0, "label"],
  ["modules", 0, "params"],
  ["modules", 0, "params", "value"],
  ["modules", 0, "position"],
  ["modules", 0, "position", "x"],
  ["modules", 0, "colour"],
  ["modules", 1],
  ["connections"],
  ["connections", 0, "from", "module"],
  ["connections", 0, "from", "port"],
  ["connections", 0, "to"],
  ["notes"],
  ["groups"],
];

const text = fc.oneof(
  fc.string({ maxLength: 3 }),
  fc.string({ unit: fc.constantFrom("a", "B", "1", "_", "-", ".", " ", "é"), maxLength: 80 }),
  // Lengths at and around every limit a schema is likely to have (and any in between).
  fc
    .tuple(
      fc.oneof(
        fc.constantFrom(0, 1, 2, 31, 32, 33, 63, 64, 65, 99, 100, 101, 199, 200, 201, 255, 256, 999, 1000),
        fc.constantFrom(1001, 9999, 10_000, 10_001),
        fc.integer({ min: 0, max: 300 }),
      ),
      fc.constantFrom("x", "a"),
    )
    .map(([n, c]) => c.repeat(n)),
  fc.constantFrom("a.b", "A.b", "a", "1a", "a-b_c", "test.Number", "__proto__", "constructor", ""),
);
const scalar = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);
const container = fc.oneof(
  fc.array(fc.oneof(text, scalar), { maxLength: 3 }),
  fc.dictionary(text, fc.oneof(text, scalar), { maxKeys: 3 }),
);
/** Mostly text: the schema's rules are mostly about strings (lengths, patterns). */
const value: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: text, weight: 6 },
  { arbitrary: scalar, weight: 2 },
  { arbitrary: container, weight: 2 },
);
const change = fc.tuple(fc.constantFrom(...PLACES), value);
/** One change most of the time (a second one often hides the first from the fast path). */
const changes = fc.oneof(
  { arbitrary: change.map((c) => [c]), weight: 4 },
  { arbitrary: fc.array(change, { minLength: 2, maxLength: 3 }), weight: 1 },
);

function put(document: Record<string, unknown>, path: (string | number)[], v: unknown): void {
  let at: Record<string | number, unknown> = document;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    if (next === null || typeof next !== "object") return;
    at = next as Record<string | number, unknown>;
  }
  at[path.at(-1) as string | number] = v;
}

it("never accepts what the schema refuses, and gives the schema's value when it accepts", () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.constantFrom(...PLACES), value), { minLength: 1, maxLength: 2 }),
      (changes) => {
        const document = base() as Record<string, unknown>;
        for (const [path, v] of changes) put(document, path, v);
        const fast = validDocument(document);
        if (fast === undefined) return;
        const parsed = WorkflowDocument.safeParse(document);
        expect(parsed.success).toBe(true);
        expect(fast).toStrictEqual(parsed.data);
      },
    ),
    { seed, numRuns: 5_000 },
  );
});
