import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ModuleDefinition } from "./define-module.js";
import type { HandleFactory } from "./job.js";

/** The modules the engine can run and the handle kinds it can rebuild, by name. */
export class ModuleRegistry {
  private readonly modules = new Map<string, ModuleDefinition>();
  private readonly handleFactories = new Map<string, HandleFactory>();

  register(definition: ModuleDefinition): this {
    if (this.modules.has(definition.type))
      throw new Error(`module type ${definition.type} is registered twice`);
    this.modules.set(definition.type, definition);
    if (definition.job) this.addHandleKind(definition.type, definition.job.handle as HandleFactory);
    for (const [kind, factory] of Object.entries(definition.handles ?? {})) this.addHandleKind(kind, factory);
    return this;
  }

  get(type: string): ModuleDefinition | undefined {
    return this.modules.get(type);
  }

  /** The handle factory for a persisted handle kind (a job module's type, or a low-level kind). */
  handleFactory(kind: string): HandleFactory | undefined {
    return this.handleFactories.get(kind);
  }

  all(): ModuleDefinition[] {
    return [...this.modules.values()].sort((a, b) => a.type.localeCompare(b.type));
  }

  private addHandleKind(kind: string, factory: HandleFactory): void {
    if (this.handleFactories.has(kind)) throw new Error(`handle kind ${kind} is registered twice`);
    this.handleFactories.set(kind, factory);
  }
}

const modulesRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const isModuleFile = (name: string) =>
  /\.(ts|js)$/.test(name) && !name.endsWith(".d.ts") && !name.startsWith("index.") && !name.startsWith("_");

/**
 * Finds the built-in packages: every folder beside `sdk/` is a package, every file in it exports
 * one module by default (files starting with `_` hold shared helpers). Works from the sources
 * (tsx, vitest) and from the compiled `dist/`.
 */
export async function discoverBuiltinModules(registry = new ModuleRegistry()): Promise<ModuleRegistry> {
  const packages = readdirSync(modulesRoot, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== "sdk")
    .map((entry) => entry.name)
    .sort();
  for (const pkg of packages) {
    const files = readdirSync(join(modulesRoot, pkg)).filter(isModuleFile).sort();
    for (const file of files) {
      const loaded = (await import(pathToFileURL(join(modulesRoot, pkg, file)).href)) as {
        default?: ModuleDefinition;
      };
      if (!loaded.default?.type)
        throw new Error(`modules/${pkg}/${file} does not default-export a defineModule(...)`);
      if (loaded.default.package !== pkg) {
        throw new Error(
          `modules/${pkg}/${file} defines ${loaded.default.type}, outside its package "${pkg}"`,
        );
      }
      registry.register(loaded.default);
    }
  }
  return registry;
}
