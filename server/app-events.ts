/**
 * The application bus, owned by the runtime (server/labflow-runtime.ts): every engine event, and
 * what is not the engine's business: pipeline changes, settings changes and instrument data. The
 * WebSocket hub listens here, so it hears the whole application while the engine knows only runs,
 * modules, jobs and logs.
 */
import type { EngineEvent, EngineEvents } from "./engine/engine-events.js";
import { EventBus, type EventListener } from "./engine/engine-events.js";
import type { JobDataMessage, PipelineMessage, SettingsMessage } from "./schema/messages.js";

export type AppEvent = EngineEvent | JobDataMessage | PipelineMessage | SettingsMessage;

export class AppEvents extends EventBus<AppEvent> {
  private stopForwarding: (() => void) | undefined;

  /**
   * `engine`: its events are passed on, but only while this bus has listeners, so that the engine
   * sees listeners exactly when someone listens (it skips building events nobody hears).
   */
  constructor(private readonly engine?: EngineEvents) {
    super();
  }

  override on(listener: EventListener<AppEvent>): () => void {
    const stop = super.on(listener);
    if (this.engine && !this.stopForwarding)
      this.stopForwarding = this.engine.on((event) => this.emit(event));
    return () => {
      stop();
      if (this.hasListeners) return;
      this.stopForwarding?.();
      this.stopForwarding = undefined;
    };
  }
}
