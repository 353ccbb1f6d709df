// /api/*: the Partner API through the Worker, for browser tokens only. The
// key never leaves the Worker; only what the contract defines is forwarded:
//   Origin (403) → token (401) → per-customer rate limit (429) → exact
//   endpoint match (404) → scope (403) → JSON writes (415) → size (413)
//   → body and query built by the core (400) → ownership (403, 404) → upstream.
// Ownership: a token's customer (`sub`) reaches only its own records. The
// package's CustomerRequest decides what must be the customer's and builds
// what is sent (path and query from the checked request, never the raw
// ones); owners.js looks the owners up in D1, and learns new ones from each
// success answer. Nothing refused is sent upstream; redirects are not
// followed; every answer is JSON, errors in the API's envelope.
import { CustomerRequest, matchEndpoint, proxyLimits, redactAnswer, redactSecrets } from "peeker-partner";
import { authenticate, hasScope } from "./auth.js";
import { learn, lookUp } from "./owners.js";
import { checkOrigin, fail, json, readCapped } from "./respond.js";

/** The largest body forwarded (the API's) and upstream answer passed on (the client's cap). */
const { maxBodyBytes: MAX_BODY, maxAnswerBytes: MAX_ANSWER } = proxyLimits();
const mebibytes = (bytes) => `${bytes / (1024 * 1024)} MiB`;
// Answer headers passed back to the browser (and readable by it).
const PASSED = ["peeker-request-id", "retry-after", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"];
const METHODS = "GET, POST, PATCH, DELETE, OPTIONS";
/** Seconds a customer over CUSTOMER_LIMITER's limit is told to wait (its period). */
const CUSTOMER_RETRY_SECONDS = 60;

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The path and query exactly as sent (URL parsing would resolve `..` and `%2e`). */
export function rawTarget(request) {
  const url = request.url;
  const start = url.indexOf("/", url.indexOf("//") + 2);
  const rest = start < 0 ? "/" : url.slice(start).split("#")[0];
  const q = rest.indexOf("?");
  return q < 0 ? { path: rest, search: "" } : { path: rest.slice(0, q), search: rest.slice(q) };
}

const isJson = (type) => /^application\/json\s*(;|$)/i.test(type ?? "");

const answer = ({ status, body }, cors) => json(status, body, cors);

export async function proxy(request, env) {
  const origin = checkOrigin(request, env, { methods: METHODS });
  if (origin.response) return origin.response;
  const { cors } = origin;
  if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: cors });
  if (!env.PEEKER_API_BASE || !env.PEEKER_API_KEY) {
    return fail(500, "not_configured", "PEEKER_API_BASE and PEEKER_API_KEY must be set", cors);
  }
  const auth = authenticate(request, env, cors);
  if (auth.response) return auth.response;
  // One customer cannot spend the partner's whole upstream limit.
  if (env.CUSTOMER_LIMITER && !(await env.CUSTOMER_LIMITER.limit({ key: auth.claims.sub })).success) {
    return json(429, { error: { code: "rate_limited", message: "too many requests from this customer; wait and retry",
      details: { retry_after_seconds: CUSTOMER_RETRY_SECONDS } } }, { ...cors, "retry-after": `${CUSTOMER_RETRY_SECONDS}` });
  }
  const { path, search } = rawTarget(request);
  const endpoint = matchEndpoint(request.method, path.slice("/api".length));
  if (!endpoint) return fail(404, "not_found", "no Partner API endpoint has this method and path", cors);
  if (!hasScope(auth.claims, endpoint.name)) {
    return fail(403, "forbidden", "the browser token does not grant this endpoint", cors);
  }

  let value = null;
  if (request.method === "POST" || request.method === "PATCH") {
    const type = request.headers.get("content-type");
    const bytes = await readCapped(request, MAX_BODY);
    if (!bytes) return fail(413, "payload_too_large", `the body is over ${mebibytes(MAX_BODY)}`, cors);
    // A write carries JSON; only a bodiless one (cancel a whole order) may omit the type.
    if (!isJson(type) && (type !== null || bytes.byteLength > 0)) {
      return fail(415, "unsupported_media_type", "send the body as Content-Type: application/json", cors);
    }
    if (bytes.byteLength > 0) {
      try {
        value = JSON.parse(utf8.decode(bytes));
      } catch {
        return json(400, { error: { code: "invalid_request", message: "the body is not valid JSON",
          details: { reason: "malformed_json" } } }, cors);
      }
    }
  }

  const customer = new CustomerRequest(endpoint.name, endpoint.params.id ?? null, search.slice(1), value,
    auth.claims.sub);
  try {
    if (customer.refusal) return answer(customer.refusal, cors);
    const { user, records } = customer.lookup;
    const found = await lookUp(env, user, records);
    const decision = customer.decide(found.users, found.owners);
    if (decision.refusal) return answer(decision.refusal, cors);
    if (decision.answer) return answer(decision.answer, cors);
    const { method, path: target, body } = decision.send;
    const headers = { accept: "application/json", authorization: `Bearer ${env.PEEKER_API_KEY}` };
    if (body !== null) headers["content-type"] = "application/json";
    let upstream;
    try {
      // The canonical bytes: the same logical body always gives the same
      // bytes, so a retried POST /orders stays byte-identical.
      upstream = await fetch(`${env.PEEKER_API_BASE.replace(/\/+$/, "")}${target}`, {
        method, headers, body, redirect: "manual",
      });
    } catch {
      return fail(502, "bad_gateway", "the Partner API did not answer", cors);
    }
    const relayed = await relay(upstream, env, cors);
    if (relayed.value !== undefined && upstream.status >= 200 && upstream.status < 300) {
      await learn(env, customer.learn(relayed.value));
    }
    return relayed.response;
  } finally {
    customer.free();
  }
}

/**
 * The upstream answer, capped, with the key scrubbed from its parsed values
 * (what goes on is their serialisation, never the bytes received), always
 * JSON: {response, value} with the scrubbed value when it is JSON.
 */
async function relay(upstream, env, cors) {
  const done = (response, value) => ({ response, value });
  if (upstream.status >= 300 && upstream.status < 400) {
    await upstream.body?.cancel();
    return done(fail(502, "bad_gateway", "the Partner API answered a redirect, which the proxy does not follow", cors));
  }
  const bytes = await readCapped(upstream, MAX_ANSWER);
  if (!bytes) return done(fail(502, "bad_gateway", `the Partner API's answer is over ${mebibytes(MAX_ANSWER)}`, cors));
  const secrets = [env.PEEKER_API_KEY];
  const out = { ...cors };
  for (const name of PASSED) {
    const value = upstream.headers.get(name);
    if (value !== null) out[name] = redactSecrets(value, secrets);
  }
  let text;
  try {
    text = redactAnswer(utf8.decode(bytes), secrets);
  } catch {
    text = undefined;
  }
  const value = text === undefined ? undefined : JSON.parse(text);
  if (upstream.status >= 400 && typeof value?.error?.code !== "string") {
    const status = upstream.status >= 500 ? 502 : upstream.status;
    return done(fail(status, upstream.status >= 500 ? "bad_gateway" : "upstream_error",
      `the Partner API answered HTTP ${upstream.status} without an error envelope`, out));
  }
  if (upstream.status === 204) return done(new Response(null, { status: 204, headers: out }));
  if (value === undefined) {
    return done(fail(502, "bad_gateway", "the Partner API answered something that is not JSON", out));
  }
  return done(new Response(text, { status: upstream.status, headers: { ...out, "content-type": "application/json" } }), value);
}
