// Peeker webhook receiver: verify at the edge, store each event once in D1,
// serve the stored events to the partner's frontend.
// /api/* proxies the Partner API with the key held here, validating write
// bodies with the same wasm core the browser uses.
import { verifyWebhook } from "peeker-partner/webhooks";
import {
  validateAvailabilityRequest, validateBundle, validateForwarding, validateImport, validateOrder,
} from "peeker-partner";

const MAX_BODY = 1024 * 1024;
const CORS = {
  "access-control-allow-origin": "*", // bearer token, no cookies: any origin may ask
  "access-control-allow-methods": "GET, OPTIONS",
  "access-control-allow-headers": "authorization",
  "access-control-max-age": "600",
};

const json = (status, value, headers) =>
  new Response(JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
// Fixed messages only: nothing of the request is ever echoed.
const fail = (status, code, message, headers) => json(status, { error: { code, message } }, headers);

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname === "/webhooks/peeker" && request.method === "POST") {
      return receive(request, env, ctx);
    }
    if (url.pathname.startsWith("/api/")) {
      return proxy(request, env, url);
    }
    if (url.pathname === "/events" && request.method === "OPTIONS") {
      return new Response(null, { status: 204, headers: CORS });
    }
    if (url.pathname === "/events" && request.method === "GET") {
      return listEvents(request, env, url.searchParams);
    }
    return fail(404, "not_found", "no such endpoint");
  },
};

async function receive(request, env, ctx) {
  const bytes = await readCapped(request);
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

// The body, or null when it is over the limit, by header or by actual size
// (a chunked body has no Content-Length); stops reading at the limit.
async function readCapped(request) {
  if (Number(request.headers.get("content-length")) > MAX_BODY) return null;
  const chunks = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      size += r.value.byteLength;
      if (size > MAX_BODY) {
        await reader.cancel();
        return null;
      }
      chunks.push(r.value);
    }
  }
  const out = new Uint8Array(size);
  chunks.reduce((at, c) => (out.set(c, at), at + c.byteLength), 0);
  return out;
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

async function listEvents(request, env, params) {
  if (!(await authorized(request, env.EVENTS_TOKEN))) {
    return fail(401, "unauthorized", "send Authorization: Bearer <EVENTS_TOKEN>", {
      ...CORS,
      "www-authenticate": "Bearer",
    });
  }
  const after = params.get("after") ?? "0";
  const limit = params.get("limit") ?? "100";
  if (!/^\d{1,15}$/.test(after) || !/^\d{1,3}$/.test(limit) || +limit < 1 || +limit > 500) {
    return fail(400, "invalid_request", "after: a sequence number; limit: 1 to 500", CORS);
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
  }, CORS);
}

// Constant time: both sides are hashed first, so even the token's length
// does not leak through the comparison.
async function authorized(request, token) {
  if (!token) return false; // no token configured: nobody reads
  const digest = (s) => crypto.subtle.digest("SHA-256", new TextEncoder().encode(s));
  const [given, expected] = await Promise.all([
    digest(request.headers.get("authorization") ?? ""),
    digest(`Bearer ${token}`),
  ]);
  return crypto.subtle.timingSafeEqual(given, expected);
}

// ---- /api/*: the Partner API through the Worker, the key never leaving it ----

// Write bodies checked here before anything is sent (the API's own rules).
const VALIDATORS = {
  "POST /orders": validateOrder,
  "POST /bundles": validateBundle,
  "POST /domains/availability": validateAvailabilityRequest,
  "POST /domains/import": (b) => validateImport(b),
  "POST /domains/import/jobs": (b) => validateImport(b, { job: true }),
  "POST /domains/forwarding": validateForwarding,
};
// Answer headers passed back to the browser (and readable by it).
const PASSED = ["content-type", "peeker-request-id", "retry-after", "x-ratelimit-limit",
  "x-ratelimit-remaining", "x-ratelimit-reset"];

// CORS only for the configured frontend origin(s) (ALLOWED_ORIGINS, comma-separated):
// the proxy spends the partner's key, so other sites must not drive it.
function apiCors(request, env) {
  const origin = request.headers.get("origin");
  const allowed = (env.ALLOWED_ORIGINS ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (!origin || !allowed.includes(origin)) return {};
  return {
    "access-control-allow-origin": origin,
    "access-control-allow-methods": "GET, POST, PATCH, DELETE, OPTIONS",
    "access-control-allow-headers": "content-type, accept",
    "access-control-expose-headers": "peeker-request-id, retry-after",
    "access-control-max-age": "600",
    vary: "origin",
  };
}

async function proxy(request, env, url) {
  const cors = apiCors(request, env);
  if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: cors });
  if (!env.PEEKER_API_BASE || !env.PEEKER_API_KEY) {
    return fail(500, "not_configured", "PEEKER_API_BASE and PEEKER_API_KEY must be set", cors);
  }
  const path = url.pathname.slice("/api".length); // "/orders", already normalised by URL
  if (!["GET", "POST", "PATCH", "DELETE"].includes(request.method)) {
    return fail(405, "method_not_allowed", "GET, POST, PATCH or DELETE", cors);
  }
  let body;
  if (request.method === "POST" || request.method === "PATCH") {
    body = await readCapped(request);
    if (!body) return fail(413, "payload_too_large", "the body is over 1 MiB", cors);
    const validate = VALIDATORS[`${request.method} ${path}`];
    if (validate) {
      let value;
      try {
        value = JSON.parse(new TextDecoder().decode(body));
      } catch {
        return fail(400, "invalid_request", "the body is not JSON", cors);
      }
      const problems = validate(value);
      if (problems.length > 0) {
        // The API's error envelope; every problem, each with its field.
        return json(400, { error: { code: problems[0].code, message: problems[0].message,
          field: problems[0].field, details: { problems } } }, cors);
      }
    }
  }
  const headers = { accept: "application/json", authorization: `Bearer ${env.PEEKER_API_KEY}` };
  if (body) headers["content-type"] = "application/json";
  let answer;
  try {
    // The bytes as received: a retried POST /orders stays byte-identical.
    answer = await fetch(`${env.PEEKER_API_BASE.replace(/\/+$/, "")}${path}${url.search}`, {
      method: request.method, headers, body,
    });
  } catch {
    return fail(502, "bad_gateway", "the Partner API did not answer", cors);
  }
  const out = new Headers(cors);
  for (const name of PASSED) {
    const value = answer.headers.get(name);
    if (value !== null) out.set(name, value);
  }
  return new Response(answer.body, { status: answer.status, headers: out });
}
