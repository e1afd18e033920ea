/**
 * The tab's one WebSocket: `/api/events`, shared by the editor's run view, the Job Monitor and the
 * instrument views. It opens with the first subscriber and closes with the last, and reconnects
 * with exponential backoff while anyone listens. Every frame is parsed with the contract's
 * `ServerMessage` (server/schema/messages.ts): subscribers receive typed messages, and a message
 * this client cannot read is skipped (the next snapshot or fetch repairs the state).
 *
 * After every (re)connection each subscriber's `onOpen` runs, so it re-fetches what it shows and
 * never has a gap. A subscriber that joins an open connection gets `onOpen` at once, but not the
 * snapshot that connection began with: it fetches what it needs.
 */
import { BatchMessage, ServerMessage } from "../../../server/schema/messages.js";

export interface EventsOptions {
  onMessage(message: ServerMessage): void;
  onOpen?(): void;
  onClose?(): void;
}

export interface EventsConnection {
  /** Stops this subscriber's calls; the socket closes when no subscriber is left. */
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

/** The messages of one frame (a message or a batch of them) that fit the contract, in order. */
export function readFrame(data: string): ServerMessage[] {
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return [];
  }
  const batch = BatchMessage.safeParse(raw);
  const messages: ServerMessage[] = [];
  for (const item of batch.success ? batch.data.messages : [raw]) {
    const parsed = ServerMessage.safeParse(item);
    if (parsed.success) messages.push(parsed.data);
    else console.warn("labflow: an event off the contract was skipped:", parsed.error.issues[0]);
  }
  return messages;
}

const subscribers = new Set<EventsOptions>();
let socket: WebSocket | undefined;
let open = false;
let delay = MIN_DELAY_MS;
let timer: ReturnType<typeof setTimeout> | undefined;

/** Calls each subscriber; one that throws does not stop the others. */
function each(call: (subscriber: EventsOptions) => void): void {
  for (const subscriber of [...subscribers]) {
    try {
      call(subscriber);
    } catch (error) {
      console.error("labflow: an event could not be shown:", error);
    }
  }
}

function connect(): void {
  timer = undefined;
  if (subscribers.size === 0) return;
  const mine = new WebSocket(eventsUrl());
  socket = mine;
  mine.onopen = () => {
    if (socket !== mine) return;
    open = true;
    delay = MIN_DELAY_MS;
    each((s) => s.onOpen?.());
  };
  mine.onmessage = (event) => {
    if (socket !== mine || typeof event.data !== "string") return;
    for (const message of readFrame(event.data)) each((s) => s.onMessage(message));
  };
  mine.onclose = () => {
    if (socket !== mine) return;
    socket = undefined;
    open = false;
    each((s) => s.onClose?.());
    if (subscribers.size === 0) return;
    timer = setTimeout(connect, delay);
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  };
}

/** Subscribes to the tab's connection, opening it if this is the first subscriber. */
export function connectEvents(options: EventsOptions): EventsConnection {
  // A copy: the same options object may subscribe twice (each subscription is its own).
  const subscriber: EventsOptions = { ...options };
  subscribers.add(subscriber);
  if (socket === undefined && timer === undefined) connect();
  else if (open)
    queueMicrotask(() => {
      if (subscribers.has(subscriber) && open) subscriber.onOpen?.();
    });
  return {
    close() {
      if (!subscribers.delete(subscriber) || subscribers.size > 0) return;
      if (timer) clearTimeout(timer);
      timer = undefined;
      delay = MIN_DELAY_MS;
      const closing = socket;
      socket = undefined;
      open = false;
      closing?.close();
    },
  };
}
