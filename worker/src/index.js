// Peeker webhook receiver: verify at the edge (the package's handleWebhook),
// store each event once in D1, push it live to the order's watchers
// (stream.js, GET /events/stream) and forward it through a Queue
// (forward.js); serve the stored events to the partner's frontend (browser
// token with scope events.read). /api/* proxies the Partner API for browser
// tokens (proxy.js). Every answer is JSON (or SSE); every error is the API's envelope.
import { handleWebhook } from "peeker-partner/webhooks";
import { authorize } from "./auth.js";
import { consumeQueue, enqueueForward, listFailed, retryFailed } from "./forward.js";
import { proxy, rawTarget } from "./proxy.js";
import { checkOrigin, fail, json } from "./respond.js";
import { publishStored, streamEvents } from "./stream.js";

export { OrderStream } from "./stream.js";

export default {
  async fetch(request, env, ctx) {
    try {
      return await route(request, env, ctx);
    } catch {
      // Never workerd's HTML error page, never the exception's text.
      return fail(500, "internal_error", "the Worker failed to answer this request");
    }
  },
  queue: consumeQueue,
};

async function route(request, env, ctx) {
  const { path } = rawTarget(request);
  if (path === "/webhooks/peeker" && request.method === "POST") {
    return receive(request, env, ctx);
  }
  if (path.startsWith("/api/")) {
    return proxy(request, env);
  }
  const events = path === "/events" || path === "/events/stream";
  if (events && (request.method === "GET" || request.method === "OPTIONS")) {
    const origin = checkOrigin(request, env);
    if (origin.response) return origin.response;
    if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: origin.cors });
    const auth = authorize(request, env, "events.read", origin.cors);
    if (auth.response) return auth.response;
    const url = new URL(request.url);
    if (path === "/events/stream") return streamEvents(request, env, url, origin.cors);
    return listEvents(env, url.searchParams, origin.cors);
  }
  const retry = /^\/forwarding\/failed\/(\d{1,15})\/retry$/.exec(path);
  if ((path === "/forwarding/failed" && request.method === "GET") || (retry && request.method === "POST")) {
    // Server calls only: any Origin (a browser) is refused, whatever the token.
    if (request.headers.has("origin")) return fail(403, "forbidden", "the forwarding routes are for servers, not browsers");
    const auth = authorize(request, env, "forwarding.admin");
    if (auth.response) return auth.response;
    return retry ? retryFailed(env, Number(retry[1])) : listFailed(env);
  }
  return fail(404, "not_found", "no such endpoint");
}

function receive(request, env, ctx) {
  const secrets = (env.PEEKER_WEBHOOK_SECRET ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (secrets.length === 0) return fail(500, "not_configured", "PEEKER_WEBHOOK_SECRET is not set");
  // 400 malformed, 401 not authentic or stale, 413 over 1 MiB, 500 when
  // storing failed (Peeker then delivers again): all decided by the package.
  return handleWebhook(request, { secret: secrets, onEvent: (event, { rawBody }) => store(env, ctx, event, rawBody) });
}

/**
 * Stores a verified event once (the event id decides: redeliveries and
 * out-of-order arrivals are normal), queues it for forwarding until that is
 * recorded, and wakes the order's live watchers after the answer.
 */
async function store(env, ctx, event, body) {
  const orderId = event.type.startsWith("order.") ? event.data.id : event.data.order_id;
  const order = typeof orderId === "string" ? orderId : null;
  const { meta } = await env.DB.prepare(
    `INSERT INTO events (id, type, order_id, created_at, received_at, body)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO NOTHING`,
  ).bind(event.id, event.type, order, event.created_at, new Date().toISOString(), body).run();
  // A throw here answers 500, so Peeker redelivers and the queueing is tried again.
  await enqueueForward(env, event.id);
  if (meta.changes > 0 && order) ctx.waitUntil(publishStored(env, order).catch(() => {}));
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
