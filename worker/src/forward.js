// Forwarding that never drops an event: each newly stored event's id goes on
// the FORWARD_QUEUE; the consumer POSTs the stored body to FORWARD_URL signed
// afresh with FORWARD_SECRET (a new timestamp, so the target verifies it with
// the package and the signature is never stale). A failure is retried by the
// queue with exponential backoff; after the last retry the message lands on
// the dead-letter queue, whose consumer keeps it in D1 (forward_failures)
// for GET /forwarding/failed and POST /forwarding/failed/{id}/retry.
import { signWebhook } from "peeker-partner/webhooks";

const TIMEOUT_MS = 10_000;
const MAX_DELAY_SECONDS = 300;

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

/** Sends one stored event; resolves to the HTTP status, or 0 when none came. */
export async function sendForward(env, eventId) {
  const row = await env.DB.prepare("SELECT body FROM events WHERE id = ?1").bind(eventId).first();
  if (!row) return 404; // nothing to send: never retried
  let signed;
  try {
    signed = signWebhook(row.body, env.FORWARD_SECRET);
  } catch {
    return 0; // FORWARD_SECRET not set: retried, then listed as failed
  }
  const headers = { "content-type": "application/json", "peeker-event-id": eventId, ...signed };
  try {
    const res = await fetch(env.FORWARD_URL, {
      method: "POST", headers, body: row.body, signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await res.body?.cancel();
    return res.status;
  } catch {
    return 0;
  }
}

const delivered = (status) => (status >= 200 && status < 300) || status === 404;

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
    const status = env.FORWARD_URL ? await sendForward(env, message.body.event_id) : 200;
    if (delivered(status)) message.ack();
    else message.retry({ delaySeconds: backoff(env, message.attempts) });
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

/** POST /forwarding/failed/{id}/retry: one attempt now; delivered → removed from the list. */
export async function retryFailed(env, id) {
  const row = await env.DB.prepare("SELECT event_id FROM forward_failures WHERE id = ?1").bind(id).first();
  if (!row) return Response.json({ error: { code: "not_found", message: "no such failed forward" } }, { status: 404 });
  if (!env.FORWARD_URL) {
    return Response.json({ error: { code: "not_configured", message: "FORWARD_URL is not set" } }, { status: 500 });
  }
  const status = await sendForward(env, row.event_id);
  if (!delivered(status)) {
    return Response.json({ delivered: false, status, event_id: row.event_id }, { status: 502 });
  }
  await env.DB.prepare("DELETE FROM forward_failures WHERE id = ?1").bind(id).run();
  return Response.json({ delivered: true, status, event_id: row.event_id });
}
