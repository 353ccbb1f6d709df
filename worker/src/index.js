// Peeker webhook receiver: verify at the edge, store each event once in D1,
// serve the stored events to the partner's frontend (browser token with
// scope events.read). /api/* proxies the Partner API for browser tokens
// (proxy.js). Every answer is JSON; every error is the API's envelope.
import { verifyWebhook } from "peeker-partner/webhooks";
import { authorize } from "./auth.js";
import { proxy, rawTarget } from "./proxy.js";
import { checkOrigin, fail, json, readCapped } from "./respond.js";

const MAX_BODY = 1024 * 1024;

export default {
  async fetch(request, env, ctx) {
    try {
      return await route(request, env, ctx);
    } catch {
      // Never workerd's HTML error page, never the exception's text.
      return fail(500, "internal_error", "the Worker failed to answer this request");
    }
  },
};

async function route(request, env, ctx) {
  const { path } = rawTarget(request);
  if (path === "/webhooks/peeker" && request.method === "POST") {
    return receive(request, env, ctx);
  }
  if (path.startsWith("/api/")) {
    return proxy(request, env);
  }
  if (path === "/events" && (request.method === "GET" || request.method === "OPTIONS")) {
    const origin = checkOrigin(request, env);
    if (origin.response) return origin.response;
    if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: origin.cors });
    const auth = authorize(request, env, "events.read", origin.cors);
    if (auth.response) return auth.response;
    return listEvents(env, new URL(request.url).searchParams, origin.cors);
  }
  return fail(404, "not_found", "no such endpoint");
}

async function receive(request, env, ctx) {
  const bytes = await readCapped(request, MAX_BODY);
  if (!bytes) return fail(413, "payload_too_large", "the body is over 1 MiB");
  const secrets = (env.PEEKER_WEBHOOK_SECRET ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (secrets.length === 0) return fail(500, "not_configured", "PEEKER_WEBHOOK_SECRET is not set");
  let event;
  try {
    event = verifyWebhook(bytes, request.headers, secrets);
  } catch (e) {
    // Malformed requests are 400; anything that fails authenticity (signature,
    // stale timestamp, event id mismatch) is 401.
    const malformed = ["missing_header", "invalid_header", "invalid_payload"].includes(e?.code);
    if (malformed) return fail(400, e.code, "the delivery is malformed");
    if (e?.code && e.code !== "invalid_secret") return fail(401, e.code, "the delivery could not be verified");
    throw e;
  }
  const body = new TextDecoder().decode(bytes); // verified, so valid UTF-8 JSON
  const orderId = event.type.startsWith("order.") ? event.data.id : event.data.order_id;
  // Redeliveries and out-of-order arrivals are normal: the event id decides.
  const { meta } = await env.DB.prepare(
    `INSERT INTO events (id, type, order_id, created_at, received_at, body)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO NOTHING`,
  )
    .bind(event.id, event.type, typeof orderId === "string" ? orderId : null,
      event.created_at, new Date().toISOString(), body)
    .run();
  if (meta.changes > 0 && env.FORWARD_URL) {
    // After the answer: Peeker times out at 15 s and must not wait on us.
    ctx.waitUntil(forward(env.FORWARD_URL, body, request.headers));
  }
  return json(200, { received: true, duplicate: meta.changes === 0 });
}

// Re-posts a new event with Peeker's own headers (the target can verify it
// with the same secret); retries network errors, 429 and 5xx with backoff.
async function forward(url, body, headers) {
  const sent = { "content-type": "application/json" };
  for (const name of ["peeker-event-id", "peeker-timestamp", "peeker-signature"]) {
    sent[name] = headers.get(name) ?? "";
  }
  for (let attempt = 0; attempt < 4; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
    try {
      const res = await fetch(url, { method: "POST", headers: sent, body });
      await res.body?.cancel();
      if (res.ok || (res.status < 500 && res.status !== 429)) return;
    } catch {
      // network error: retry
    }
  }
  console.error(`forwarding ${sent["peeker-event-id"]} failed after 4 attempts`);
}

async function listEvents(env, params, cors) {
  const after = params.get("after") ?? "0";
  const limit = params.get("limit") ?? "100";
  if (!/^\d{1,15}$/.test(after) || !/^\d{1,3}$/.test(limit) || +limit < 1 || +limit > 500) {
    return fail(400, "invalid_request", "after: a sequence number; limit: 1 to 500", cors);
  }
  const { results } = await env.DB.prepare(
    `SELECT seq, order_id, received_at, body FROM events
     WHERE seq > ?1 AND (?2 IS NULL OR order_id = ?2) ORDER BY seq LIMIT ?3`,
  )
    .bind(+after, params.get("order_id"), +limit + 1)
    .run();
  const page = results.slice(0, +limit);
  const events = page.map(({ seq, order_id, received_at, body }) => {
    const { id, type, created_at, data } = JSON.parse(body);
    return { seq, id, type, created_at, order_id, received_at, data };
  });
  return json(200, {
    events,
    // Cursor for the next call (?after=); the same value when nothing is new.
    next_after: page.length ? page[page.length - 1].seq : +after,
    has_more: results.length > +limit,
  }, cors);
}
