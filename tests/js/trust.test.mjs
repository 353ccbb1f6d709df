// Trust: nothing a caller, an upstream or a token sends is taken on faith.
// In Node against pkg/ as a user imports it, with a node:http stub on
// 127.0.0.1 where a hostile answer is needed: browser tokens, secrets
// scrubbed from every part of an error, client input refused before sending,
// the 16 MiB answer cap, and a wasm module that no hostile input can break.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import { inspect } from "node:util";
import * as full from "peeker-partner";
import * as verifier from "peeker-partner/webhooks";
import { sendHugeBody } from "../hostile.mjs";

const { PeekerClient, PeekerError, mintBrowserToken, verifyBrowserToken, matchEndpoint, problemEnvelope, validateOrder } = full;
const KEY = "pk_test_boundary_7c2e";
const PASSWORD = 'Sm"art\\le\tad-pw-91';
const TOKEN_SECRET = "browser-token-secret-0123456789abcdef";
const NOW = 1_767_225_600;

let stub;
let base;
let hits = [];

before(async () => {
  stub = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    req.resume();
    const j = (v) => JSON.stringify(v).slice(1, -1); // as inside a JSON string
    if (req.url.startsWith("/partner/v1/orders") && req.method === "POST") {
      // Echoes every secret it saw, in raw, JSON-escaped and percent-encoded forms.
      res.writeHead(400, { "content-type": "application/json", "peeker-request-id": `req_${KEY}` });
      res.end(`{"error":{"code":"bad_${KEY}","field":"sequencer.${j(PASSWORD)}",` +
        `"message":"password ${j(PASSWORD)} key ${KEY} ${encodeURIComponent(PASSWORD)}",` +
        `"details":{"deep":[{"deeper":{"pw":"${j(PASSWORD)}","json":${JSON.stringify(JSON.stringify({ pw: PASSWORD }))}}}],"${j(PASSWORD)}":1}}}`);
      return;
    }
    if (req.url === "/partner/v1/me") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"data":{"api_key":{"environment":"test"}}}');
      return;
    }
    if (req.url.startsWith("/partner/v1/domains")) {
      sendHugeBody(res, 50);
      return;
    }
    res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"code":"not_found","message":"no"}}');
  });
  await new Promise((ok) => stub.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${stub.address().port}/partner/v1`;
});
after(() => {
  stub.closeAllConnections?.();
  stub.close();
});

const order = () => ({
  user: "buyer@example.com", google_licenses: 2, microsoft_licenses: 0,
  sequencer: { provider: "smartlead", login_email: "sl@example.com", login_password: PASSWORD, client_id: null },
  forwarding_url: "https://example.com", domains: ["boundary-shop.com"],
  personas: [{ first_name: "A", last_name: "B", profile_picture_url: null }],
});

// ---- browser tokens ----

const b64 = (v) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");
function jwt(claims, { secret = TOKEN_SECRET, header = { alg: "HS256", typ: "JWT" } } = {}) {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
}
const claims = (extra = {}) => ({ aud: "peeker-proxy", sub: "usr_01", scope: "orders.create events.read", iat: NOW, exp: NOW + 600, ...extra });

test("a JWT minted by node:crypto is accepted; the claims come back as signed", () => {
  const c = verifyBrowserToken(jwt(claims({ jti: "x" })), [TOKEN_SECRET], { now: NOW + 10 });
  assert.deepEqual(c, claims({ jti: "x" }));
  // And a minted one verifies with node:crypto's HMAC.
  const t = mintBrowserToken(TOKEN_SECRET, { sub: "a@b.co", scope: ["orders.create", "events.read"], iat: NOW, exp: NOW + 60 });
  const [h, p, s] = t.split(".");
  assert.equal(createHmac("sha256", TOKEN_SECRET).update(`${h}.${p}`).digest("base64url"), s);
  assert.deepEqual(JSON.parse(Buffer.from(h, "base64url")), { alg: "HS256", typ: "JWT" });
  assert.deepEqual(JSON.parse(Buffer.from(p, "base64url")),
    { aud: "peeker-proxy", sub: "a@b.co", scope: "orders.create events.read", iat: NOW, exp: NOW + 60 });
  assert.equal(verifyBrowserToken(t, TOKEN_SECRET, { now: NOW }).sub, "a@b.co");
});

test("tampered, expired, alg none, another alg and another aud are refused", () => {
  const reason = (token, now = NOW) => {
    try {
      verifyBrowserToken(token, [TOKEN_SECRET], { now });
    } catch (e) {
      assert.ok(e instanceof PeekerError);
      assert.equal(e.code, "unauthorized");
      assert.ok(!`${e.message}${JSON.stringify(e)}${inspect(e)}`.includes(TOKEN_SECRET));
      return e.details.reason;
    }
    assert.fail("accepted");
  };
  const good = jwt(claims());
  const [h, p, s] = good.split(".");
  assert.equal(reason(`${h}.${b64(claims({ scope: "orders.cancel" }))}.${s}`), "signature");
  assert.equal(reason(jwt(claims(), { secret: "another-secret-another-secret-123" })), "signature");
  assert.equal(reason(good, NOW + 630), "expired");
  assert.equal(reason(`${b64({ alg: "none", typ: "JWT" })}.${p}.`), "header");
  assert.equal(reason(jwt(claims(), { header: { alg: "HS384", typ: "JWT" } })), "header");
  assert.equal(reason(jwt(claims({ aud: "someone-else" }))), "audience");
  assert.equal(reason(jwt(claims({ exp: NOW + 3601 }))), "lifetime");
  assert.equal(reason("not-a-jwt"), "malformed");
  assert.equal(reason(undefined), "malformed");
  assert.throws(() => mintBrowserToken(TOKEN_SECRET, { sub: "usr_1", scope: "orders.list", exp: Math.floor(Date.now() / 1000) + 3601 }),
    (e) => e instanceof PeekerError && e.field === "exp");
  assert.throws(() => mintBrowserToken("short", { sub: "usr_1", scope: "orders.list" }), (e) => e.code === "invalid_secret");
  assert.throws(() => verifyBrowserToken(good, [], { now: NOW }), (e) => e.code === "invalid_secret");
});

test("matchEndpoint and problemEnvelope are the core's", () => {
  assert.deepEqual(matchEndpoint("POST", "/orders/ord_1/cancel"), { name: "orders.cancel", params: { id: "ord_1" } });
  assert.deepEqual(matchEndpoint("POST", "/orders"), { name: "orders.create", params: {} });
  for (const path of ["//orders", "/orders/", "/..%2F..%2Fadmin", "/%2F%2Fevil.example", "/bundles/..", "/bundles/a%5Cb"]) {
    assert.equal(matchEndpoint("GET", path), null, path);
  }
  assert.equal(matchEndpoint(1, {}), null);
  const problems = validateOrder({});
  const env = problemEnvelope(problems);
  assert.equal(env.error.code, problems[0].code);
  assert.equal(env.error.details.problems.length, problems.length);
});

// ---- secrets ----

test("an upstream echoing the key and a Smartlead password (escaped, nested) leaks neither", async () => {
  const client = new PeekerClient({ apiKey: KEY, baseUrl: base, maxRetries: 0 });
  const err = await client.orders.create(order()).then(() => assert.fail("resolved"), (e) => e);
  assert.equal(err.status, 400);
  const j = JSON.stringify(PASSWORD).slice(1, -1);
  const shown = [err.message, err.code, err.field, err.requestId, JSON.stringify(err.details),
    JSON.stringify(err), inspect(err, { depth: 20 }), String(err), err.stack ?? ""].join("\n");
  for (const form of [KEY, PASSWORD, j, encodeURIComponent(PASSWORD), JSON.stringify(j).slice(1, -1)]) {
    assert.ok(!shown.includes(form), `${JSON.stringify(form)} in:\n${shown}`);
  }
  assert.match(err.code, /redacted/);
  assert.match(err.requestId, /redacted/);
});

test("swapped Smartlead credentials are never echoed by validation", () => {
  const o = order();
  o.sequencer.login_email = PASSWORD;
  o.sequencer.login_password = "sl@example.com";
  const text = JSON.stringify(validateOrder(o));
  assert.ok(text.includes("sequencer.login_email"), text);
  assert.ok(!text.includes(JSON.stringify(PASSWORD).slice(1, -1)), text);
  assert.ok(!text.includes("pw-91"), text);
});

// ---- client input ----

test("ids empty, . or .. are refused before anything is sent", async () => {
  const client = new PeekerClient({ apiKey: KEY, baseUrl: base, maxRetries: 0 });
  const before = hits.length;
  for (const [call, id] of [[(id) => client.orders.cancel(id), ".."], [(id) => client.bundles.delete(id), "."],
    [(id) => client.bundles.retrieve(id), ""], [(id) => client.users.update(id, {}), ".."]]) {
    await assert.rejects(call(id), (e) => e.name === "ValidationError" && e.field === "id");
  }
  assert.equal(hits.length, before, "nothing was sent");
});

test("baseUrl must parse, carry no user or password, and be https unless loopback", () => {
  for (const [baseUrl, apiKey] of [["http://user:hunter2pw@127.0.0.1:1/x", KEY], ["javascript:alert(1)", KEY],
    ["http://api.example.com/partner/v1", "pk_live_0123456789"], ["http://10.1.2.3/x", KEY], ["not a url", KEY]]) {
    assert.throws(() => new PeekerClient({ apiKey, baseUrl }), (e) => {
      assert.equal(e.field, "baseUrl");
      assert.ok(!`${e.message}${inspect(e)}`.includes("hunter2pw"));
      return e instanceof PeekerError;
    }, baseUrl);
  }
  assert.equal(String(new PeekerClient({ apiKey: KEY, baseUrl: "http://localhost:9/x/" })), "PeekerClient(http://localhost:9/x)");
  assert.ok(new PeekerClient({ apiKey: KEY, baseUrl: "https://proxy.example/api" }));
});

test("an answer over 16 MiB is cut off with a typed error", async () => {
  const client = new PeekerClient({ apiKey: KEY, baseUrl: base, maxRetries: 0 });
  await assert.rejects(client.domains.list().pages().next(), (e) => e instanceof PeekerError && e.code === "response_too_large");
  assert.equal((await client.me()).data.api_key.environment, "test");
});

// ---- never break the module ----

const SECRET = "whsec_boundary";
const BODY = JSON.stringify({ id: "evt_1", type: "order.completed", created_at: "2026-01-01T00:00:00Z", data: { id: "ord_1" } });

function hostile(i) {
  switch (i % 3) {
    case 0: { // a header object whose getter throws
      const h = {};
      Object.defineProperty(h, "Peeker-Signature", { enumerable: true, get() { throw new Error("boom"); } });
      return [BODY, h];
    }
    case 1: { // a detached ArrayBuffer as the payload
      const buf = new ArrayBuffer(8);
      structuredClone(buf, { transfer: [buf] });
      return [buf, {}];
    }
    default: { // revoked Proxies as payload and headers
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      return [proxy, proxy];
    }
  }
}

for (const [name, mod] of [["full", full], ["verifier-only", verifier]]) {
  test(`100,000 hostile verifyWebhook calls leave the ${name} module working`, async () => {
    const headers = { ...mod.signWebhook(BODY, SECRET, { timestamp: NOW }), "Peeker-Event-Id": "evt_1" };
    for (let i = 0; i < 100_000; i++) {
      const [payload, h] = hostile(i);
      assert.throws(() => mod.verifyWebhook(payload, h, i % 2 ? SECRET : hostile(2)[0], { now: NOW }),
        (e) => e instanceof mod.PeekerError);
    }
    assert.equal(mod.verifyWebhook(BODY, headers, SECRET, { now: NOW }).id, "evt_1");
    if (mod === full) {
      const client = new PeekerClient({ apiKey: KEY, baseUrl: base });
      assert.equal((await client.me()).data.api_key.environment, "test");
      assert.deepEqual(validateOrder(order()), []);
    }
  });
}

test("nesting deeper than 128 is a problem naming the field, not a throw", () => {
  let deep = [];
  for (let i = 0; i < 100_000; i++) deep = [deep];
  const problems = validateOrder({ ...order(), personas: deep });
  assert.equal(problems.length, 1);
  assert.equal(problems[0].code, "invalid_request");
  assert.equal(problems[0].field, "personas");
  let shallow = [];
  for (let i = 0; i < 200; i++) shallow = [shallow];
  assert.equal(validateOrder(shallow)[0].field, "");
  assert.throws(() => full.buildRequest("orders.create", { ...order(), personas: deep }),
    (e) => e.name === "ValidationError" && e.problems[0].field === "personas");
});

test("toleranceSeconds above a day or not a positive finite number is invalid_options", () => {
  const headers = full.signWebhook(BODY, SECRET, { timestamp: NOW });
  for (const mod of [full, verifier]) {
    for (const toleranceSeconds of [1e30, 86_401, 0, -1, NaN, Infinity, "300", {}]) {
      assert.throws(() => mod.verifyWebhook(BODY, headers, SECRET, { now: NOW, toleranceSeconds }),
        (e) => e.code === "invalid_options" && e.field === "toleranceSeconds", String(toleranceSeconds));
    }
    assert.equal(mod.verifyWebhook(BODY, headers, SECRET, { now: NOW + 86_400, toleranceSeconds: 86_400 }).id, "evt_1");
  }
});
