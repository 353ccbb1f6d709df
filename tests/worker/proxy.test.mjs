// The Worker's /api/* proxy in workerd against a real peeker-sandbox, both on
// 127.0.0.1 with free ports (docs/contract.md#proxy): only a valid browser token gets
// anything forwarded, only to an endpoint of the contract that the token's
// scope names, with the body validated first; the key stays in the Worker.
// Every way to use the proxy as an open relay is here, refused.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { request as httpRequest } from "node:http";
import { mintBrowserToken, PeekerClient } from "peeker-partner";
import { startSandbox, orderBody } from "../client/harness.mjs";
import { migrate, startWorker, tempDir } from "./wrangler.mjs";

const KEY = "pk_test_proxy_3f9c1a7e";
const ORIGIN = "http://127.0.0.1:9"; // the frontend allowed by ALLOWED_ORIGINS
const OLD_SECRET = "old-proxy-token-secret-0123456789abcdef";
const SECRET = "proxy-token-secret-0123456789abcdef-new";
const CUSTOMER = "buyer-proxy@example.com";
const ALL = "me bundles.retrieve domains.availability orders.create orders.cancel orders.list users.create events.read";
let sandbox, worker;

before(async () => {
  sandbox = await startSandbox();
  const persistTo = tempDir("peeker-worker-proxy-");
  await migrate(persistTo); // the ownership table
  worker = await startWorker({
    persistTo,
    vars: { PEEKER_API_BASE: sandbox.base, PEEKER_API_KEY: KEY, ALLOWED_ORIGINS: ORIGIN,
      PROXY_TOKEN_SECRET: `${SECRET},${OLD_SECRET}` },
  });
});
after(async () => {
  await worker?.stop();
  await sandbox?.stop();
});

const now = () => Math.floor(Date.now() / 1000);
// ALL holds `me`, an account scope: asked for explicitly.
const token = (claims = {}, secret = SECRET) =>
  mintBrowserToken(secret, { sub: CUSTOMER, scope: ALL, ...claims }, { accountScopes: true });
const bearer = (t = token()) => ({ authorization: `Bearer ${t}` });

/** An HS256 JWT built with node:crypto alone, as a partner's own backend would. */
function independentJwt(claims, { secret = SECRET, header = { alg: "HS256", typ: "JWT" } } = {}) {
  const b64 = (v) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
}

const api = (path, init = {}) => fetch(`${worker.url}/api${path}`, init);
const post = (path, body, headers = {}) =>
  api(path, { method: "POST", headers: { "content-type": "application/json", ...bearer(), ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body) });

/** A raw HTTP request: the path goes on the wire exactly as written (no URL normalisation). */
function raw(method, path, { headers = {}, body } = {}) {
  const { hostname, port } = new URL(worker.url);
  return new Promise((resolve, reject) => {
    // agent: false — one connection per request, so no request leaves bytes for the next.
    const req = httpRequest({ hostname, port, method, path, headers, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Upstream requests the sandbox logged so far (method + path). */
const upstream = (re) => sandbox.count(re);

async function envelopeOf(res, status, code) {
  const text = typeof res.text === "function" ? await res.text() : res.text;
  const s = res.status;
  assert.equal(s, status, text);
  const ct = typeof res.headers.get === "function" ? res.headers.get("content-type") : res.headers["content-type"];
  assert.match(ct ?? "", /^application\/json/);
  const body = JSON.parse(text);
  assert.equal(typeof body.error?.message, "string", text);
  if (code) assert.equal(body.error.code, code, text);
  return body.error;
}

test("no credential, or a bad one, is 401 and nothing is sent upstream", async () => {
  const before = upstream(/\/partner\/v1\//);
  const expired = token({ iat: now() - 4000, exp: now() - 400 });
  const otherAud = independentJwt({ aud: "another-app", sub: CUSTOMER, scope: ALL, iat: now(), exp: now() + 60 });
  const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${
    Buffer.from(JSON.stringify({ aud: "peeker-proxy", sub: CUSTOMER, scope: ALL, iat: now(), exp: now() + 60 })).toString("base64url")}.`;
  const hs512 = independentJwt({ aud: "peeker-proxy", sub: CUSTOMER, scope: ALL, iat: now(), exp: now() + 60 },
    { header: { alg: "HS512", typ: "JWT" } });
  const tooLong = independentJwt({ aud: "peeker-proxy", sub: CUSTOMER, scope: ALL, iat: now(), exp: now() + 7200 });
  const good = token();
  const [h, p, s] = good.split(".");
  const widened = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, "base64url")), scope: `${ALL} bundles.delete` })).toString("base64url")}.${s}`;
  const cases = {
    "none": {},
    "key as bearer": { authorization: `Bearer ${KEY}` },
    "no scheme": { authorization: good },
    "basic": { authorization: `Basic ${good}` },
    "malformed": bearer("abc.def"),
    "tampered signature": bearer(`${good.slice(0, -2)}AA`),
    "tampered payload": bearer(widened),
    "foreign secret": bearer(token({}, "a-secret-the-worker-does-not-know-1234")),
    "expired": bearer(expired),
    "other aud": bearer(otherAud),
    "alg none": bearer(none),
    "alg HS512": bearer(hs512),
    "lifetime over an hour": bearer(tooLong),
  };
  for (const [name, headers] of Object.entries(cases)) {
    const res = await api("/orders", { headers });
    const e = await envelopeOf(res, 401, "unauthorized");
    assert.ok(!e.message.includes(KEY), name);
    assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer/, name);
    const write = await post("/orders", orderBody("noauth"), { ...headers, authorization: headers.authorization ?? "" });
    await envelopeOf(write, 401, "unauthorized");
  }
  assert.equal(upstream(/\/partner\/v1\//) - before, 0, "nothing reached the API");
});

test("a JWT minted by node:crypto (not the package) is accepted; a rotated-out secret still works", async () => {
  const claims = { aud: "peeker-proxy", sub: CUSTOMER, scope: "me", iat: now(), exp: now() + 300 };
  const res = await api("/me", { headers: bearer(independentJwt(claims)) });
  assert.equal(res.status, 200, await res.clone().text());
  assert.equal((await res.json()).data.api_key.environment, "test");
  const old = await api("/me", { headers: bearer(independentJwt(claims, { secret: OLD_SECRET })) });
  assert.equal(old.status, 200);
});

test("an endpoint outside the token's scope is 403, nothing sent", async () => {
  const before = upstream(/\/partner\/v1\//);
  const narrow = bearer(token({ scope: "domains.availability" }));
  await envelopeOf(await api("/orders", { headers: narrow }), 403, "forbidden");
  await envelopeOf(await post("/orders", orderBody("scope"), narrow), 403, "forbidden");
  await envelopeOf(await post("/orders/ord_1/cancel", "", narrow), 403, "forbidden");
  await envelopeOf(await api("/bundles/bun_1", { method: "DELETE", headers: bearer() }), 403, "forbidden");
  assert.equal(upstream(/\/partner\/v1\//) - before, 0);
});

test("another Origin (null included) is 403 even with a valid token; no Origin is judged by the token", async () => {
  const before = upstream(/\/partner\/v1\//);
  for (const origin of ["http://evil.example", "null", `${ORIGIN}/`, "http://127.0.0.1:10"]) {
    // A cross-site request that needs no preflight: text/plain POSTs from a foreign page.
    for (const path of ["/orders", "/orders/ord_1/cancel"]) {
      const res = await api(path, { method: "POST", headers: { origin, "content-type": "text/plain", ...bearer() },
        body: JSON.stringify(orderBody("csrf")) });
      await envelopeOf(res, 403, "forbidden");
      assert.equal(res.headers.get("access-control-allow-origin"), null);
    }
    await envelopeOf(await api("/orders", { headers: { origin, ...bearer() } }), 403, "forbidden");
    await envelopeOf(await api("/orders", { method: "OPTIONS", headers: { origin,
      "access-control-request-method": "POST" } }), 403, "forbidden");
  }
  assert.equal(upstream(/\/partner\/v1\//) - before, 0);
  const server = await api("/me", { headers: bearer() });
  assert.equal(server.status, 200);
  assert.equal(server.headers.get("access-control-allow-origin"), null);
});

test("CORS answers the configured origin, preflight included", async () => {
  const pre = await api("/orders", { method: "OPTIONS", headers: { origin: ORIGIN,
    "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" } });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get("access-control-allow-origin"), ORIGIN);
  assert.match(pre.headers.get("access-control-allow-headers"), /authorization/);
  assert.match(pre.headers.get("access-control-allow-headers"), /content-type/);
  const ok = await api("/me", { headers: { origin: ORIGIN, ...bearer() } });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get("access-control-allow-origin"), ORIGIN);
  assert.match(ok.headers.get("access-control-expose-headers"), /peeker-request-id/);
});

test("writes must be JSON: text/plain or form bodies are 415, nothing sent", async () => {
  const before = upstream(/POST \/partner\/v1\//);
  for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx"]) {
    await envelopeOf(await post("/orders", orderBody("ct"), { "content-type": type }), 415, "unsupported_media_type");
  }
  const noType = await api("/orders", { method: "POST", headers: bearer(), body: new Blob([JSON.stringify(orderBody("ct"))]) });
  await envelopeOf(noType, 415, "unsupported_media_type");
  assert.equal(upstream(/POST \/partner\/v1\//) - before, 0);
});

test("only exact contract endpoints are forwarded: odd paths are 404 and never sent", async () => {
  const before = upstream(/\/partner\/v1\//);
  const headers = { ...bearer(), "content-type": "application/json" };
  const bad = JSON.stringify({ user: "nope" });
  for (const [method, path] of [
    ["GET", "/api//orders"], ["POST", "/api//orders"], ["GET", "/api/orders/"], ["POST", "/api/orders/"],
    ["GET", "/api/..%2F..%2Fadmin"], ["GET", "/api/%2F%2Fevil.example"], ["GET", "/api/%2f%2fevil.example/x"],
    ["GET", "/api/bundles/%2E%2E"], ["GET", "/api/bundles/.."], ["GET", "/api/bundles/a%5Cb"],
    ["GET", "/api/bundles/a%2Fb"], ["GET", "/api/admin"], ["PUT", "/api/orders"], ["GET", "/api/swaps/user_names"],
    ["GET", "/api/domains/import/jobs"], ["DELETE", "/api/orders"], ["GET", "/api/"], ["GET", "/api/me/"],
    ["POST", "/api/orders//cancel"], ["POST", "/api/orders/%2E/cancel"],
  ]) {
    const res = await raw(method, path, { headers, body: ["GET", "DELETE"].includes(method) ? undefined : bad });
    assert.equal(res.status, 404, `${method} ${path}: ${res.text}`);
    await envelopeOf(res, 404, "not_found");
  }
  assert.equal(upstream(/\/partner\/v1\//) - before, 0, "nothing reached the API");
});

test("every write body is validated first: 400 with all problems, nothing sent", async () => {
  const before = upstream(/POST \/partner\/v1\/(orders|domains|bundles|users)/);
  const bad = orderBody("badproxy", {
    user: CUSTOMER,
    forwarding_url: "ftp://nope",
    personas: Array.from({ length: 11 }, () => ({ first_name: "A", last_name: "B", profile_picture_url: null })),
  });
  const e = await envelopeOf(await post("/orders", bad), 400);
  const fields = e.details.problems.map((p) => p.field);
  assert.ok(fields.includes("forwarding_url"), JSON.stringify(fields));
  assert.ok(fields.includes("personas"), JSON.stringify(fields));
  assert.equal(e.field, e.details.problems[0].field);
  const malformed = await envelopeOf(await post("/orders", "{not json"), 400, "invalid_request");
  assert.equal(malformed.details.reason, "malformed_json");
  await envelopeOf(await post("/domains/availability", { domains: [] }), 400);
  // A body for an endpoint the old proxy did not validate at all.
  await envelopeOf(await post("/users", { email: CUSTOMER, sequencer: { provider: "x" } }), 400);
  assert.equal(upstream(/POST \/partner\/v1\/(orders|domains|bundles|users)/) - before, 0);
});

test("100,000-deep JSON is a 400 envelope naming the field, never workerd's HTML page", async () => {
  const before = upstream(/POST \/partner\/v1\/orders/);
  const deep = `{"user":"${CUSTOMER}","personas":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
  const e = await envelopeOf(await post("/orders", deep), 400, "invalid_request");
  assert.equal(e.field, "personas");
  const bare = await envelopeOf(await post("/orders", `${"[".repeat(100_000)}${"]".repeat(100_000)}`), 400);
  assert.equal(typeof bare.message, "string");
  assert.equal(upstream(/POST \/partner\/v1\/orders/) - before, 0);
});

test("a new order or user only for the token's own customer (sub)", async () => {
  const before = upstream(/POST \/partner\/v1\/(orders|users) /);
  const other = orderBody("notmine", { user: "someone-else@example.com" });
  await envelopeOf(await post("/orders", other), 403, "forbidden");
  const user = { email: "someone-else@example.com", sequencer: { provider: "smartlead", client_id: null } };
  await envelopeOf(await post("/users", user), 403, "forbidden");
  assert.equal(upstream(/POST \/partner\/v1\/(orders|users) /) - before, 0);
  const mine = await post("/orders", orderBody("mine", { user: CUSTOMER.toUpperCase() }));
  assert.equal(mine.status, 200, await mine.clone().text());
});

test("a valid order goes through once; the same bytes again are the same order", async () => {
  const body = JSON.stringify(orderBody("proxyonce", { user: CUSTOMER }));
  const first = await post("/orders", body);
  assert.equal(first.status, 200, await first.clone().text());
  const again = await post("/orders", body);
  assert.equal((await first.json()).data.id, (await again.json()).data.id);
});

test("GET passes status, body and Peeker-Request-Id through; the key never shows", async () => {
  const res = await api("/me", { headers: bearer() });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("peeker-request-id") ?? "", /^req_/);
  const body = await res.text();
  assert.ok(!body.includes(KEY));
  for (const [, value] of res.headers) assert.ok(!value.includes(KEY));
  const missing = await api("/bundles/bun_01HZX0NOPE000000000000000", { headers: bearer() });
  await envelopeOf(missing, 404, "not_found");
  assert.match(missing.headers.get("peeker-request-id") ?? "", /^req_/);
});

test("sandbox 5xx and a dropped connection reach the caller as JSON 5xx", async () => {
  await sandbox.faults({ error_rate: 1 });
  try {
    const res = await api("/me", { headers: bearer() });
    await envelopeOf(res, 500);
    assert.match(res.headers.get("peeker-request-id") ?? "", /^req_/);
  } finally {
    await sandbox.faults({});
  }
  await sandbox.faults({ drop_after_commit: "POST /orders", drop_count: 1 });
  try {
    await envelopeOf(await post("/orders", orderBody("proxydrop", { user: CUSTOMER })), 502, "bad_gateway");
  } finally {
    await sandbox.faults({});
  }
});

test("PeekerClient with baseUrl = the proxy and a browser token works; other routes answer JSON", async () => {
  const client = new PeekerClient({ baseUrl: `${worker.url}/api`, token: token() });
  const rows = await client.domains.availability(["proxy-ok.com", "proxy-gonly.com", "proxy-taken.com"]);
  assert.deepEqual(rows.map((r) => r.available), [true, true, false]);
  const cancelled = await client.orders.create(orderBody("viaclient", { user: CUSTOMER }));
  const cancel = await client.orders.cancel(cancelled.data.id);
  assert.equal(cancel.data.id, cancelled.data.id);
  const anonymous = new PeekerClient({ baseUrl: `${worker.url}/api` });
  await assert.rejects(anonymous.me(), (e) => e.status === 401 && e.code === "unauthorized");
  await envelopeOf(await fetch(`${worker.url}/events`), 401, "unauthorized");
  await envelopeOf(await fetch(`${worker.url}/nope`), 404, "not_found");
  assert.ok(!worker.log().includes(KEY), "the key is never logged");
});
