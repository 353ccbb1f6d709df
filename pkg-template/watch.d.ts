import type { WebhookEvent } from "./peeker_partner.js";

/** Options of `watchEvents`: which order, how to authenticate, where events go, when to stop. */
export interface WatchEventsOptions {
  /** A token the Worker accepts for `GET /events` (sent as `Authorization: Bearer`). */
  token?: string;
  /** The order whose events to watch. */
  orderId: string;
  /** Called once per event, in order; awaited before the next. */
  onEvent: (event: WebhookEvent, meta: { id: number }) => unknown;
  /** Stops watching; the returned promise then resolves. */
  signal?: AbortSignal;
  /** Resume after this event id (a previous `meta.id`). */
  lastEventId?: number;
}

/**
 * Live events of one order from the Worker's `GET /events/stream` (Server-Sent
 * Events over fetch, so the token travels in a header). Reconnects with backoff
 * and `Last-Event-ID`; never delivers an event twice. Resolves when `signal`
 * aborts; rejects with a `PeekerError` when the Worker refuses the token or request.
 */
export function watchEvents(baseUrl: string | URL, options: WatchEventsOptions): Promise<void>;
