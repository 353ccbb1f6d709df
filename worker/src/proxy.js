// /api/*: the Partner API through the Worker, for browser tokens only. The
// key never leaves the Worker; only what the contract defines is forwarded:
//   Origin (403) → token (401) → exact endpoint match (404) → scope (403)
//   → JSON writes (415) → size (413) → body validated by the core (400)
//   → a new order/user only for the token's own customer (403) → upstream.
// Nothing refused is sent upstream; redirects are not followed; every answer
// is JSON, errors in the API's envelope.
import { buildRequest, matchEndpoint, problemEnvelope, redactSecrets } from "peeker-partner";
import { authenticate, hasScope } from "./auth.js";
import { checkOrigin, fail, json, readCapped } from "./respond.js";

const MAX_BODY = 1024 * 1024;
/** Largest upstream answer passed on (as the client's own cap). */
const MAX_ANSWER = 16 * 1024 * 1024;
// Answer headers passed back to the browser (and readable by it).
const PASSED = ["peeker-request-id", "retry-after", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"];
const METHODS = "GET, POST, PATCH, DELETE, OPTIONS";
// Endpoints that create something for a customer: the body's field must be the token's `sub`.
const OWNED = { "orders.create": "user", "users.create": "email" };

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

const sameCustomer = (given, sub) =>
  typeof given === "string" && (given === sub || (sub.includes("@") && given.toLowerCase() === sub.toLowerCase()));

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
  const { path, search } = rawTarget(request);
  const endpoint = matchEndpoint(request.method, path.slice("/api".length));
  if (!endpoint) return fail(404, "not_found", "no Partner API endpoint has this method and path", cors);
  if (!hasScope(auth.claims, endpoint.name)) {
    return fail(403, "forbidden", "the browser token does not grant this endpoint", cors);
  }

  let body = null;
  if (request.method === "POST" || request.method === "PATCH") {
    const type = request.headers.get("content-type");
    const bytes = await readCapped(request, MAX_BODY);
    if (!bytes) return fail(413, "payload_too_large", "the body is over 1 MiB", cors);
    // A write carries JSON; only a bodiless one (cancel a whole order) may omit the type.
    if (!isJson(type) && (type !== null || bytes.byteLength > 0)) {
      return fail(415, "unsupported_media_type", "send the body as Content-Type: application/json", cors);
    }
    let value = null;
    if (bytes.byteLength > 0) {
      try {
        value = JSON.parse(utf8.decode(bytes));
      } catch {
        return json(400, { error: { code: "invalid_request", message: "the body is not valid JSON",
          details: { reason: "malformed_json" } } }, cors);
      }
    }
    let built;
    try {
      const args = endpoint.params.id === undefined ? [value] : [endpoint.params.id, value];
      built = buildRequest(endpoint.name, ...args);
    } catch (e) {
      const problems = Array.isArray(e?.problems) && e.problems.length > 0
        ? e.problems
        : [{ code: "invalid_request", field: "", message: "the body is not a valid request" }];
      return json(400, problemEnvelope(problems), cors);
    }
    body = built.body;
    const owned = OWNED[endpoint.name];
    if (owned) {
      const sent = JSON.parse(utf8.decode(body))[owned];
      if (!sameCustomer(sent, auth.claims.sub)) {
        return fail(403, "forbidden", `${owned} must be the token's own customer (sub)`, cors);
      }
    }
  }

  const headers = { accept: "application/json", authorization: `Bearer ${env.PEEKER_API_KEY}` };
  if (body) headers["content-type"] = "application/json";
  let answer;
  try {
    // The canonical bytes: the same logical body always gives the same bytes,
    // so a retried POST /orders stays byte-identical.
    answer = await fetch(`${env.PEEKER_API_BASE.replace(/\/+$/, "")}${path.slice("/api".length)}${search}`, {
      method: request.method, headers, body, redirect: "manual",
    });
  } catch {
    return fail(502, "bad_gateway", "the Partner API did not answer", cors);
  }
  return relay(answer, env, cors);
}

/** The upstream answer, capped, with the key scrubbed, always JSON. */
async function relay(answer, env, cors) {
  if (answer.status >= 300 && answer.status < 400) {
    await answer.body?.cancel();
    return fail(502, "bad_gateway", "the Partner API answered a redirect, which the proxy does not follow", cors);
  }
  const bytes = await readCapped(answer, MAX_ANSWER);
  if (!bytes) return fail(502, "bad_gateway", "the Partner API's answer is over 16 MiB", cors);
  const secrets = [env.PEEKER_API_KEY];
  let text;
  try {
    text = redactSecrets(utf8.decode(bytes), secrets);
  } catch {
    text = undefined;
  }
  const out = { ...cors };
  for (const name of PASSED) {
    const value = answer.headers.get(name);
    if (value !== null) out[name] = redactSecrets(value, secrets);
  }
  let parsed;
  try {
    parsed = text === undefined || text === "" ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (answer.status >= 400 && typeof parsed?.error?.code !== "string") {
    return fail(answer.status >= 500 ? 502 : answer.status, answer.status >= 500 ? "bad_gateway" : "upstream_error",
      `the Partner API answered HTTP ${answer.status} without an error envelope`, out);
  }
  if (parsed === undefined && answer.status !== 204) {
    return fail(502, "bad_gateway", "the Partner API answered something that is not JSON", out);
  }
  return new Response(answer.status === 204 ? null : text, {
    status: answer.status,
    headers: { ...out, ...(answer.status === 204 ? {} : { "content-type": "application/json" }) },
  });
}
