import { describe, expect, it } from "vitest";
import { catalogEntry, discoverBuiltinModules } from "../../../../modules/sdk/host.js";

const BASIC_TYPES = [
  "basic.Add",
  "basic.Constant",
  "basic.Expression",
  "basic.Log",
  "basic.ReadFile",
  "basic.Template",
  "basic.WriteFile",
];

describe("the basic package", () => {
  it("is found by discoverBuiltinModules: all seven basic.* types", async () => {
    const registry = await discoverBuiltinModules();
    const basic = registry.all().filter((definition) => definition.package === "basic");
    expect(basic.map((definition) => definition.type)).toEqual(BASIC_TYPES);
  });

  it("describes every module, port and parameter for the palette and the inspector", async () => {
    const registry = await discoverBuiltinModules();
    for (const type of BASIC_TYPES) {
      const definition = registry.get(type);
      if (!definition) throw new Error(`${type} is missing`);
      expect(definition.version, type).toBe(1);
      expect(definition.label.length, type).toBeGreaterThan(0);
      expect(definition.description, type).toMatch(/\.$/);
      for (const [name, spec] of Object.entries({ ...definition.inputs, ...definition.outputs })) {
        expect(spec.description, `${type} port ${name}`).toBeTruthy();
      }
      const schema = catalogEntry(definition).params as {
        properties?: Record<string, { description?: string }>;
      };
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        expect(property.description, `${type} param ${name}`).toBeTruthy();
      }
      // Defaults make every module valid as dropped from the palette (ReadFile/WriteFile need a path).
      if (!["basic.ReadFile", "basic.WriteFile"].includes(type)) {
        expect(definition.params.safeParse({}).success, type).toBe(true);
      }
    }
  });
});
