// Forwarding that never drops an event: each newly stored event's id goes on
// the FORWARD_QUEUE; the consumer POSTs the stored body to FORWARD_URL signed
// afresh with FORWARD_SECRET (a new timestamp, so the target verifies it with
// the package and the signature is never stale). Only a 2xx from the target
// is a delivery; anything else is retried by the queue with exponential
// backoff; after the last retry the message lands on the dead-letter queue,
// whose consumer keeps it in D1 (forward_failures) for GET /forwarding/failed
// and POST /forwarding/failed/{id}/retry.
import { signWebhook } from "peeker-partner/webhooks";

const TIMEOUT_MS = 10_000;
const MAX_DELAY_SECONDS = 300;
// A retry call holds its dead letter this long at most (the send's timeout
// and then some): a Worker that died mid-send leaves it claimed no longer.
const CLAIM_MS = 60_000;

/** What became of one forwarding attempt. */
export const DELIVERED = "delivered"; // the target answered 2xx
export const GONE = "gone"; //           the event is no longer in D1: nothing to send, ever
export const FAILED = "failed"; //       anything else: no answer, not a 2xx, FORWARD_SECRET unset

/**
 * After a verified delivery was stored: queues the event once. The row's
 * `forward_queued` flag is set only after the queue took it, so a delivery
 * whose queueing failed (answered 500) is queued by Peeker's redelivery.
 */
export async function enqueueForward(env, eventId) {
  if (!env.FORWARD_URL || !env.FORWARD_QUEUE) return;
  const row = await env.DB.prepare("SELECT forward_queued FROM events WHERE id = ?1").bind(eventId).first();
  if (!row || row.forward_queued) return;
  await env.FORWARD_QUEUE.send({ event_id: eventId });
  await env.DB.prepare("UPDATE events SET forward_queued = 1 WHERE id = ?1").bind(eventId).run();
}

/**
 * Sends one stored event: {outcome, status}, `outcome` one of DELIVERED,
 * GONE, FAILED; `status` the target's HTTP status, or 0 when none came.
 */
export async function sendForward(env, eventId) {
  const row = await env.DB.prepare("SELECT body FROM events WHERE id = ?1").bind(eventId).first();
  if (!row) return { outcome: GONE, status: 0 };
  let signed;
  try {
    signed = signWebhook(row.body, env.FORWARD_SECRET);
  } catch {
    return { outcome: FAILED, status: 0 }; // FORWARD_SECRET not set: retried, then listed as failed
  }
  const headers = { "content-type": "application/json", "peeker-event-id": eventId, ...signed };
  try {
    const res = await fetch(env.FORWARD_URL, {
      method: "POST", headers, body: row.body, signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await res.body?.cancel();
    return { outcome: res.status >= 200 && res.status < 300 ? DELIVERED : FAILED, status: res.status };
  } catch {
    return { outcome: FAILED, status: 0 };
  }
}

/** Seconds before attempt n+1: FORWARD_RETRY_SECONDS × 2^(n-1), at most 5 min. */
function backoff(env, attempts) {
  const base = Number(env.FORWARD_RETRY_SECONDS ?? 2);
  return Math.min(MAX_DELAY_SECONDS, Math.round(base * 2 ** Math.max(0, attempts - 1)));
}

/** The queue handler: forwarding messages and dead letters. */
export async function consumeQueue(batch, env) {
  if (batch.queue.endsWith("-dlq")) {
    for (const message of batch.messages) {
      await env.DB.prepare(
        `INSERT INTO forward_failures (event_id, failed_at) VALUES (?1, ?2)
         ON CONFLICT (event_id) DO UPDATE SET failed_at = ?2`,
      ).bind(message.body.event_id, new Date().toISOString()).run();
      message.ack();
    }
    return;
  }
  await Promise.all(batch.messages.map(async (message) => {
    const { outcome } = env.FORWARD_URL ? await sendForward(env, message.body.event_id) : { outcome: DELIVERED };
    if (outcome === FAILED) message.retry({ delaySeconds: backoff(env, message.attempts) });
    else message.ack(); // delivered, or nothing left to deliver
  }));
}

/** GET /forwarding/failed: the dead letters, oldest first. */
export async function listFailed(env) {
  const { results } = await env.DB.prepare(
    `SELECT f.id, f.event_id, e.type, e.order_id, f.failed_at
     FROM forward_failures f LEFT JOIN events e ON e.id = f.event_id ORDER BY f.id LIMIT 500`,
  ).run();
  return Response.json({ failed: results });
}

const error = (status, code, message) => Response.json({ error: { code, message } }, { status });

/**
 * POST /forwarding/failed/{id}/retry: one attempt now. The call first claims
 * the row (an UPDATE only one caller wins), so concurrent calls send it once:
 * the others answer 409. Delivered → the row is removed; not delivered → the
 * claim is released and the row stays (same id); the event gone from D1 →
 * the row is removed and the answer is 410.
 */
export async function retryFailed(env, id) {
  if (!env.FORWARD_URL) return error(500, "not_configured", "FORWARD_URL is not set");
  const now = Date.now();
  const claimed = await env.DB.prepare(
    `UPDATE forward_failures SET claimed_until = ?2
     WHERE id = ?1 AND (claimed_until IS NULL OR claimed_until < ?3) RETURNING event_id`,
  ).bind(id, now + CLAIM_MS, now).first();
  if (!claimed) {
    const exists = await env.DB.prepare("SELECT 1 FROM forward_failures WHERE id = ?1").bind(id).first();
    return exists
      ? error(409, "conflict", "a retry of this failed forward is in progress")
      : error(404, "not_found", "no such failed forward");
  }
  const { event_id } = claimed;
  const { outcome, status } = await sendForward(env, event_id);
  if (outcome === FAILED) {
    await env.DB.prepare("UPDATE forward_failures SET claimed_until = NULL WHERE id = ?1").bind(id).run();
    return Response.json({ delivered: false, status, event_id }, { status: 502 });
  }
  await env.DB.prepare("DELETE FROM forward_failures WHERE id = ?1").bind(id).run();
  if (outcome === GONE) return error(410, "gone", "the event is no longer stored: nothing to forward");
  return Response.json({ delivered: true, status, event_id });
}
