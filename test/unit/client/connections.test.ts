import { describe, expect, it } from "vitest";
import { connect, validateConnection } from "../../../client/editor/core/connections.js";
import { catalog, conn, doc } from "./catalog-fixture.js";

const base = () =>
  doc((w) =>
    w
      .module("k", "basic.Constant")
      .module("t", "data.Table", { path: "x" })
      .module("s", "basic.Add")
      .module("u", "text.Upper"),
  );

describe("connect", () => {
  it("refuses incompatible types with a reason naming both ports and types", () => {
    const result = connect(base(), catalog, conn("t.table", "s.a"));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe("t.table (table) -> s.a (number): a table output cannot feed a number input");
  });

  it("connects compatible ports, and `any` to anything", () => {
    const result = connect(base(), catalog, conn("k.value", "s.a"));
    expect(result.ok && result.edit.doc.connections).toEqual([conn("k.value", "s.a")]);
  });

  it("refuses a module feeding itself", () => {
    expect(validateConnection(base(), catalog, conn("s.sum", "s.b"))).toBe("s cannot feed itself");
  });

  it("replaces the earlier connection when a second edge goes into the same input", () => {
    const d = doc((w) =>
      w.module("k1", "basic.Constant").module("k2", "basic.Constant").module("s", "basic.Add"),
    );
    const first = connect(d, catalog, conn("k1.value", "s.a"));
    if (!first.ok) throw new Error(first.reason);
    const second = connect(first.edit.doc, catalog, conn("k2.value", "s.a"));
    if (!second.ok) throw new Error(second.reason);
    expect(second.edit.doc.connections).toEqual([conn("k2.value", "s.a")]);
    expect(second.replaced).toEqual(conn("k1.value", "s.a"));
  });

  it("refuses a connection that would close a cycle", () => {
    const d = doc((w) => w.module("a", "basic.Add").module("b", "basic.Add").connect("a.sum", "b.a"));
    expect(validateConnection(d, catalog, conn("b.sum", "a.a"))).toMatch(/cycle/);
  });

  it("refuses unknown ports and modules by name", () => {
    expect(validateConnection(base(), catalog, conn("k.nope", "s.a"))).toBe('k has no output "nope"');
    expect(validateConnection(base(), catalog, conn("k.value", "zz.a"))).toBe('there is no module "zz"');
  });
});
