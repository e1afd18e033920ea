import { describe, expect, it } from "vitest";
import { validDocument } from "../../../server/engine/valid-document.js";
import { WorkflowDocument } from "../../../server/schema/workflow-document.js";

const base = () => ({
  version: 1,
  name: "w",
  modules: [
    { id: "a", type: "test.Number", params: { value: 2 } },
    { id: "b", type: "test.Inc" },
  ],
  connections: [{ from: { module: "a", port: "value" }, to: { module: "b", port: "x" } }],
});

/** Documents the schema accepts: the fast path must give exactly zod's value, keys in the same order. */
const accepted: [string, unknown][] = [
  ["a plain document", base()],
  ["no connections (defaulted)", { version: 1, name: "w", modules: [] }],
  [
    "every optional field, keys in another order",
    {
      groups: [{ name: "g", id: "g1", modules: ["a"], collapsed: true }],
      notes: [{ text: "hello", id: "n1", position: { y: 2, x: 1 } }],
      connections: [{ to: { port: "x", module: "b" }, from: { port: "value", module: "a" } }],
      modules: [
        {
          position: { y: -3.5, x: 10 },
          params: { nested: { list: [1, "two", null, { deep: true }] }, empty: {}, n: 0 },
          label: "A number",
          version: 2,
          type: "test.Number",
          id: "a",
        },
        { type: "test.Inc", id: "b", params: {} },
      ],
      description: "about",
      name: "w",
      version: 1,
    },
  ],
  [
    "objects without a prototype",
    Object.assign(Object.create(null), {
      version: 1,
      name: "w",
      modules: [
        Object.assign(Object.create(null), { id: "a", type: "test.Number", params: Object.create(null) }),
      ],
    }),
  ],
  [
    "params holding undefined",
    { version: 1, name: "w", modules: [{ id: "a", type: "x.Y", params: { v: undefined } }] },
  ],
];

/** Documents the fast path leaves to zod (refused, or unusual): undefined. */
const leftToZod: [string, unknown][] = [
  ["not an object", [base()]],
  ["an unknown key", { ...base(), extra: 1 }],
  ["another version", { ...base(), version: 2 }],
  ["an empty name", { ...base(), name: "" }],
  ["a long name", { ...base(), name: "n".repeat(201) }],
  ["a description too long", { ...base(), description: "d".repeat(10_001) }],
  ["an undefined optional", { ...base(), description: undefined }],
  ["modules not a list", { ...base(), modules: {} }],
  // biome-ignore lint/suspicious/noSparseArray: a hole is what this case is about
  ["a sparse module list", { ...base(), modules: [, { id: "b", type: "test.Inc" }] }],
  ["a bad module id", { ...base(), modules: [{ id: "1a", type: "test.Number" }] }],
  ["a long module id", { ...base(), modules: [{ id: `a${"b".repeat(64)}`, type: "test.Number" }] }],
  ["a bad module type", { ...base(), modules: [{ id: "a", type: "Test.number" }] }],
  ["an unknown module key", { ...base(), modules: [{ id: "a", type: "test.Number", colour: "red" }] }],
  ["a version of 0", { ...base(), modules: [{ id: "a", type: "test.Number", version: 0 }] }],
  ["a fractional version", { ...base(), modules: [{ id: "a", type: "test.Number", version: 1.5 }] }],
  ["a long label", { ...base(), modules: [{ id: "a", type: "test.Number", label: "l".repeat(201) }] }],
  ["params a list", { ...base(), modules: [{ id: "a", type: "test.Number", params: [1] }] }],
  ["params a Date", { ...base(), modules: [{ id: "a", type: "test.Number", params: new Date(0) }] }],
  [
    "a symbol key in params",
    { ...base(), modules: [{ id: "a", type: "test.Number", params: { [Symbol("s")]: 1 } }] },
  ],
  [
    "a __proto__ key in params",
    { ...base(), modules: [{ id: "a", type: "x.Y", params: JSON.parse('{"__proto__": 1}') }] },
  ],
  [
    "a position of NaN",
    { ...base(), modules: [{ id: "a", type: "test.Number", position: { x: Number.NaN, y: 0 } }] },
  ],
  [
    "a position with z",
    { ...base(), modules: [{ id: "a", type: "test.Number", position: { x: 0, y: 0, z: 0 } }] },
  ],
  ["a connection without to", { ...base(), connections: [{ from: { module: "a", port: "value" } }] }],
  [
    "a bad port name",
    { ...base(), connections: [{ from: { module: "a", port: "va-lue" }, to: { module: "b", port: "x" } }] },
  ],
  ["a bad note", { ...base(), notes: [{ id: "n 1", text: "", position: { x: 0, y: 0 } }] }],
  ["a group of no modules", { ...base(), groups: [{ id: "g", name: "g", modules: [] }] }],
];

describe("validDocument: the schema's happy path without zod", () => {
  it.each(accepted)("gives exactly zod's value for %s", (_, document) => {
    const zod = WorkflowDocument.parse(document);
    const fast = validDocument(document);
    expect(fast).toStrictEqual(zod);
    expect(JSON.stringify(fast)).toBe(JSON.stringify(zod));
    // New objects, as zod's: the engine records versions on them without touching the caller's.
    expect(fast).not.toBe(document);
  });

  it.each(leftToZod)("leaves %s to zod", (_, document) => {
    expect(validDocument(document)).toBeUndefined();
  });

  it("accepts only what zod accepts, among the documents it leaves to zod", () => {
    for (const [, document] of leftToZod) {
      const zod = WorkflowDocument.safeParse(document);
      if (zod.success) expect(validDocument(document)).toBeUndefined();
    }
  });
});
