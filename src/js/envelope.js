// The webhook envelope of an authenticated body, parsed by the runtime's own
// JSON.parse (src/js/webhook.rs): no serde_json in the verifier-only wasm.
import { WebhookVerificationError } from "./errors.js";
import { KNOWN_EVENT_TYPES } from "./events.gen.js";
import { get } from "./webhook-input.js";

/** Whether an event's `type` is one this version knows (the core's list, generated). */
export const isKnownEvent = (event) => KNOWN_EVENT_TYPES.has(get(event, "type"));

/** Strict UTF-8: a body that is not valid UTF-8 is refused, never repaired. */
export const utf8Strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The envelope {id, type, created_at, data} of an authenticated body (the
 * string `payload` itself, or else the bytes `body`), its id checked against
 * Peeker-Event-Id.
 */
export function webhookEvent(payload, body, eventId) {
  try {
    return readEvent(payload, body, eventId);
  } catch {
    return new WebhookVerificationError("the body is not a Peeker event envelope {id, type, created_at, data}", "invalid_payload");
  }
}

function readEvent(payload, body, eventId) {
  let event;
  try {
    event = JSON.parse(typeof payload === "string" ? payload : utf8Strict.decode(body));
  } catch {
    event = undefined;
  }
  const isObject = (v) => typeof v === "object" && v !== null;
  if (
    !isObject(event) ||
    Array.isArray(event) ||
    typeof event.id !== "string" ||
    typeof event.type !== "string" ||
    typeof event.created_at !== "string" ||
    !isObject(event.data) ||
    Array.isArray(event.data)
  ) {
    return new WebhookVerificationError(
      "the body is not a Peeker event envelope {id, type, created_at, data}",
      "invalid_payload",
    );
  }
  if (eventId !== undefined && eventId !== event.id) {
    return new WebhookVerificationError(
      "Peeker-Event-Id does not equal the body's `id`; the delivery was tampered with or mixed up",
      "event_id_mismatch",
      "Peeker-Event-Id",
    );
  }
  return event;
}
