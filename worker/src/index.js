// Peeker webhook receiver: verify at the edge (the package's handleWebhook),
// store each event once in D1, push it live to the order's watchers
// (stream.js, GET /events/stream) and forward it through a Queue
// (forward.js); serve the stored events to the partner's frontend (browser
// token with scope events.read). /api/* proxies the Partner API for browser
// tokens (proxy.js). Every answer is JSON (or SSE); every error is the API's envelope.
import { eventOwnership } from "peeker-partner";
import { handleWebhook } from "peeker-partner/webhooks";
import { authorize } from "./auth.js";
import { consumeQueue, enqueueForward, listFailed, retryFailed } from "./forward.js";
import { eventsOf, identityOf, learn, ownsOrder } from "./owners.js";
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
    // events.read: the customer's own events (another's order is 404);
    // events.readAll: the whole account's, an account scope.
    const all = authorize(request, env, "events.readAll", origin.cors);
    const auth = all.response?.status === 403 ? authorize(request, env, "events.read", origin.cors) : all;
    if (auth.response) return auth.response;
    const url = new URL(request.url);
    const identity = auth === all ? null : await identityOf(env, auth.claims.sub);
    if (path === "/events/stream") {
      const orderId = url.searchParams.get("order_id") ?? "";
      if (identity && /^[A-Za-z0-9_-]{1,100}$/.test(orderId) && !(await ownsOrder(env, orderId, identity))) {
        return fail(404, "not_found", "no such order among this customer's records", origin.cors);
      }
      return streamEvents(request, env, url, origin.cors, { sub: auth.claims.sub });
    }
    return listEvents(env, url.searchParams, identity, origin.cors);
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
  // What the event is about, its order, and whose they are (the package decides).
  const { subject, order_id: order, facts } = eventOwnership(event);
  await learn(env, facts);
  const { meta } = await env.DB.prepare(
    `INSERT INTO events (id, type, order_id, created_at, received_at, body, subject_kind, subject_id)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (id) DO NOTHING`,
  ).bind(event.id, event.type, order, event.created_at, new Date().toISOString(), body,
    subject?.kind ?? null, subject?.id ?? null).run();
  // A throw here answers 500, so Peeker redelivers and the queueing is tried again.
  await enqueueForward(env, event.id);
  if (meta.changes > 0 && order) ctx.waitUntil(publishStored(env, order).catch(() => {}));
}

async function listEvents(env, params, identity, cors) {
  const after = params.get("after") ?? "0";
  const limit = params.get("limit") ?? "100";
  if (!/^\d{1,15}$/.test(after) || !/^\d{1,3}$/.test(limit) || +limit < 1 || +limit > 500) {
    return fail(400, "invalid_request", "after: a sequence number; limit: 1 to 500", cors);
  }
  const results = await eventsOf(env, { after: +after, orderId: params.get("order_id"), limit: +limit + 1 }, identity);
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
