/** A module's state in the run the editor shows (the run's views are the contract's, server/schema/views.ts). */
import type { ModuleStateView } from "../../../server/schema/views.js";

/** The server's view of a module's state, plus its job's last check message (from `job` events). */
export type ModuleRunState = ModuleStateView & { message?: string };
