/**
 * The one WebSocket of the editor: `/api/events`, reconnected with exponential backoff. After
 * every (re)connection `onOpen` runs, so a watcher re-fetches what it shows and never has a gap.
 */
import type { EventMessage } from "../api/runs.js";

export interface EventsOptions {
  onMessage(message: EventMessage): void;
  onOpen?(): void;
  onClose?(): void;
}

export interface EventsConnection {
  close(): void;
}

const MIN_DELAY_MS = 250;
const MAX_DELAY_MS = 10_000;

export function eventsUrl(): string {
  const protocol = location.protocol === "https:" ? "wss:" : "ws:";
  // Batches: thousands of job checks a second arrive as a few messages (docs/api.md). The token
  // goes as the page's cookie, which the browser sends with the upgrade.
  return `${protocol}//${location.host}/api/events?batch=1`;
}

export function connectEvents(options: EventsOptions): EventsConnection {
  let socket: WebSocket | undefined;
  let closed = false;
  let delay = MIN_DELAY_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const open = () => {
    if (closed) return;
    socket = new WebSocket(eventsUrl());
    socket.onopen = () => {
      delay = MIN_DELAY_MS;
      options.onOpen?.();
    };
    socket.onmessage = (event) => {
      if (typeof event.data !== "string") return;
      let message: EventMessage | { type: "batch"; messages: EventMessage[] };
      try {
        message = JSON.parse(event.data);
      } catch {
        return; // A message we cannot read is skipped; the next snapshot repairs the state.
      }
      for (const one of message.type === "batch" ? message.messages : [message]) {
        try {
          options.onMessage(one);
        } catch (error) {
          console.error("labflow: an event could not be shown:", error);
        }
      }
    };
    socket.onclose = () => {
      options.onClose?.();
      if (closed) return;
      timer = setTimeout(open, delay);
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    };
  };
  open();

  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      socket?.close();
    },
  };
}
