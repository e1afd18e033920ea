import type { HandleDescriptor } from "./job.js";

/**
 * Thrown by `compute` to say "the work goes on elsewhere": the engine persists the descriptor as a
 * job, checks it through the handle factory registered under `kind`, and calls `compute` again
 * with `ctx.resumed` set once the handle reports the work finished (VisTrails' ModuleSuspended).
 */
export class ModuleSuspended extends Error {
  readonly handle: HandleDescriptor;

  constructor(message: string, handle: HandleDescriptor) {
    super(message);
    this.name = "ModuleSuspended";
    this.handle = handle;
  }
}
