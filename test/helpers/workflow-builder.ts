import type { WorkflowDocumentInput } from "../../server/schema/workflow-document.js";

/**
 * Builds workflow documents in tests without JSON walls:
 *   workflow("sum").module("a", "basic.Constant", { value: 2 }).connect("a.value", "s.a").build()
 */
export class WorkflowBuilder {
  private readonly doc: WorkflowDocumentInput & { modules: NonNullable<WorkflowDocumentInput["modules"]> };

  constructor(name: string) {
    this.doc = { version: 1, name, modules: [], connections: [] };
  }

  module(id: string, type: string, params?: Record<string, unknown>): this {
    this.doc.modules.push({ id, type, ...(params ? { params } : {}) });
    return this;
  }

  /** Connects `from` ("module.port") to `to` ("module.port"). */
  connect(from: string, to: string): this {
    const [fromModule = "", fromPort = ""] = from.split(".");
    const [toModule = "", toPort = ""] = to.split(".");
    this.doc.connections?.push({
      from: { module: fromModule, port: fromPort },
      to: { module: toModule, port: toPort },
    });
    return this;
  }

  /** Sets a param of a module already added. */
  param(id: string, name: string, value: unknown): this {
    const m = this.doc.modules.find((x) => x.id === id);
    if (!m) throw new Error(`no module ${id}`);
    m.params = { ...(m.params ?? {}), [name]: value };
    return this;
  }

  /** Places a module already added on the canvas. */
  at(id: string, x: number, y: number): this {
    const m = this.doc.modules.find((x) => x.id === id);
    if (!m) throw new Error(`no module ${id}`);
    m.position = { x, y };
    return this;
  }

  build(): WorkflowDocumentInput {
    return structuredClone(this.doc);
  }
}

export const workflow = (name = "test") => new WorkflowBuilder(name);
