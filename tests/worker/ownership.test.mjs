// Ownership at the Worker (docs/contract.md#ownership): a customer's browser token reaches
// only that customer's records. The Worker in workerd in front of an
// upstream stub (node:http on 127.0.0.1) that answers every endpoint and
// logs what reached it. Alice and Bob each get an order (by webhook), an
// import, a forwarding job and a swap (through the proxy); then, for every
// contract endpoint, Alice's token reaches her record and is refused Bob's
// before anything reaches the stub. Also: events per customer, the email
// comparison, the per-customer rate limit, and what the proxy forwards.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { mintBrowserToken, signWebhook } from "peeker-partner";
import { migrate, ROOT, startWorker, tempDir } from "./wrangler.mjs";

const KEY = "pk_test_owner_5e1a";
const SECRET = "proxy-token-secret-ownership-0123456789";
const WEBHOOK_SECRET = "whsec_ownership_77aa";
const WHO = ["alice", "bob"];
let worker, stub;
const hits = [];

const user = (who) => `usr_${who}`;
const email = (who) => `${who}@example.com`;
const shop = (who) => `${who}-shop.com`;

/** What the stub answers: plausible objects named after whoever the request names. */
function answer(method, path, query, body) {
  const who = WHO.find((w) => `${path}?${query} ${body}`.includes(w)) ?? "someone";
  const now = "2026-05-08T12:00:00Z";
  const page = (rows) => ({ data: rows, links: { first: path, next: null }, meta: { path, per_page: 25, returned: rows.length } });
  if (method === "GET" && ["/partner/v1/orders", "/partner/v1/users", "/partner/v1/swaps", "/partner/v1/domains",
    "/partner/v1/orders/pending", "/partner/v1/bundles"].includes(path)) return [200, page([])];
  if (method === "POST" && path === "/partner/v1/domains/import") {
    const domains = JSON.parse(body).domains.map((domain) => ({ domain, status: "pending" }));
    return [200, { data: { id: `imp_${who}`, status: "in_progress", domains, nameserver_groups: [], created_at: now } }];
  }
  if (method === "POST" && path === "/partner/v1/domains/forwarding") {
    return [202, { data: { id: `fwj_${who}`, status: "in_progress", completed_count: 0, failed_count: 0,
      forwarding_url: "https://x.io", completed: [], failed: [], created_at: now } }];
  }
  if (method === "POST" && path === "/partner/v1/swaps") {
    const { domain_id } = JSON.parse(body);
    return [201, { data: { id: `swp_${who}`, type: "standard", domain_id, replacement_domain: "fresh.com",
      status: "created", created_at: now } }];
  }
  return [200, { data: { id: path.split("/")[3] ?? "x" } }];
}

before(async () => {
  stub = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const [path, query = ""] = req.url.split("?");
      hits.push(`${req.method} ${req.url}`);
      if (path === "/partner/v1/bundles/bun_echo") {
        // The key echoed with an escaped first character and as base64.
        res.writeHead(400, { "content-type": "application/json" });
        res.end(`{"error":{"code":"invalid_request","message":"bad key \\u0070k_test_owner_5e1a",` +
          `"details":{"again":"pk\\u005ftest_owner_5e1a","b64":"${Buffer.from(KEY).toString("base64")}"}}}`);
        return;
      }
      const [status, value] = answer(req.method, path, query, body);
      res.writeHead(status, { "content-type": "application/json", "peeker-request-id": "req_stub" });
      res.end(JSON.stringify(value));
    });
  });
  const port = await new Promise((ok) => stub.listen(0, "127.0.0.1", () => ok(stub.address().port)));
  const persistTo = tempDir("peeker-worker-owners-");
  await migrate(persistTo);
  worker = await startWorker({
    persistTo,
    vars: { PEEKER_API_BASE: `http://127.0.0.1:${port}/partner/v1`, PEEKER_API_KEY: KEY,
      PROXY_TOKEN_SECRET: SECRET, PEEKER_WEBHOOK_SECRET: WEBHOOK_SECRET },
  });
  // Each customer's order arrives by webhook (the full order names its user and domains).
  for (const who of WHO) {
    await deliver(`evt_order_${who}`, "order.completed", {
      id: `ord_${who}`, user_id: user(who), email: email(who), bundle_id: null, status: "completed", domain_count: 1,
      costs: { total_cents: 0, currency: "usd" }, domains: { registered: [shop(who)], imported: [] }, created_at: "x",
    });
    await deliver(`evt_dom_${who}`, "domain.connected", {
      id: `dom_${who}`, domain: shop(who), order_id: `ord_${who}`, user_id: user(who), status: "active",
      category: "connected", created_at: "x",
    });
    // The rest through the proxy: the Worker learns them from the answers.
    const t = customer(who);
    assert.equal((await call(t, "POST", "/domains/import", { domains: [`${who}-own.com`] })).status, 200);
    assert.equal((await call(t, "POST", "/domains/forwarding", { domains: [shop(who)], forwarding_url: "https://x.io" })).status, 202);
    assert.equal((await call(t, "POST", "/swaps", { type: "standard", domain_id: `dom_${who}`, replacement_domain: "fresh.com" })).status, 201);
  }
});
after(async () => {
  await worker?.stop();
  stub?.close();
});

async function deliver(id, type, data) {
  const body = JSON.stringify({ id, type, created_at: "2026-05-08T12:00:00Z", data });
  const res = await fetch(`${worker.url}/webhooks/peeker`, {
    method: "POST", headers: { "content-type": "application/json", ...signWebhook(body, WEBHOOK_SECRET) }, body,
  });
  assert.equal(res.status, 200, await res.text());
}

// Every customer scope there is (account scopes are minted only on request).
const CUSTOMER_SCOPES = [
  "bundles.list", "bundles.retrieve", "users.create", "users.list", "users.retrieve", "users.update",
  "users.delete", "domains.availability", "imports.create", "imports.lookup", "imports.retrieve",
  "imports.createJob", "imports.retrieveJob", "domains.list", "forwarding.create", "forwarding.retrieve",
  "orders.create", "orders.list", "orders.pending", "orders.cancel", "swaps.create", "swaps.list",
  "swaps.retrieve", "swaps.userNames", "events.read",
].join(" ");
const ACCOUNT_SCOPES = ["me", "bundles.create", "bundles.update", "bundles.delete", "events.readAll", "forwarding.admin"];

const customer = (who, sub = who === "alice" ? user(who) : email(who)) =>
  mintBrowserToken(SECRET, { sub, scope: CUSTOMER_SCOPES });

async function call(token, method, path, body) {
  const res = await fetch(`${worker.url}/api${path}`, {
    method, body: body === undefined ? undefined : JSON.stringify(body),
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
  });
  const text = await res.text();
  return { status: res.status, text, json: text ? JSON.parse(text) : undefined };
}

const persona = { first_name: "Sam", last_name: "Lee", profile_picture_url: null };
/** A request naming `who`'s records, for each endpoint (method + path template, as openapi.json lists them). */
const CASES = {
  "GET /me": () => ["GET", "/me"],
  "POST /bundles": () => ["POST", "/bundles", { name: "S", monthly_sending_volume: 25000 }],
  "GET /bundles": () => ["GET", "/bundles"],
  "GET /bundles/{id}": () => ["GET", "/bundles/bun_1"],
  "PATCH /bundles/{id}": () => ["PATCH", "/bundles/bun_1", { name: "T" }],
  "DELETE /bundles/{id}": () => ["DELETE", "/bundles/bun_1"],
  "POST /users": (who) => ["POST", "/users", { email: email(who), sequencer: { provider: "smartlead", client_id: null } }],
  "GET /users": (who) => ["GET", `/users?email=${email(who)}`],
  "GET /users/{id}": (who) => ["GET", `/users/${user(who)}`],
  "PATCH /users/{id}": (who) => ["PATCH", `/users/${user(who)}`, { first_name: "Al" }],
  "DELETE /users/{id}": (who) => ["DELETE", `/users/${user(who)}`],
  "POST /domains/availability": (who) => ["POST", "/domains/availability", { domains: [shop(who)] }],
  "POST /domains/import": (who) => ["POST", "/domains/import", { domains: [shop(who)] }],
  "GET /domains/import": (who) => ["GET", `/domains/import?domains=${who}-own.com`],
  "GET /domains/import/{id}": (who) => ["GET", `/domains/import/imp_${who}`],
  "POST /domains/import/jobs": (who) => ["POST", "/domains/import/jobs", { domains: [shop(who)] }],
  "GET /domains/import/jobs/{id}": (who) => ["GET", `/domains/import/jobs/imp_${who}`],
  "GET /domains": (who) => ["GET", `/domains?user_id=${user(who)}`],
  "POST /domains/forwarding": (who) => ["POST", "/domains/forwarding", { domains: [`dom_${who}`], forwarding_url: "https://attacker.example/phish" }],
  "GET /domains/forwarding/{id}": (who) => ["GET", `/domains/forwarding/fwj_${who}`],
  "POST /orders": (who) => ["POST", "/orders", { user: email(who), bundle_id: "bun_1",
    sequencer: { provider: "smartlead", client_id: null, login_email: "o@x.io", login_password: "pw" },
    domains: [`dom_${who}`, "brand-new.com"], personas: [persona] }],
  "GET /orders": (who) => ["GET", `/orders?user_email=${who}%40example.com`],
  "GET /orders/pending": (who) => ["GET", `/orders/pending?user=${user(who)}`],
  "POST /orders/{id}/cancel": (who) => ["POST", `/orders/ord_${who}/cancel`],
  "POST /swaps": (who) => ["POST", "/swaps", { type: "standard", domain_id: `dom_${who}`, replacement_domain: "fresh-2.com" }],
  "GET /swaps": (who) => ["GET", `/swaps?user_id=${user(who)}`],
  "GET /swaps/{id}": (who) => ["GET", `/swaps/swp_${who}`],
  "POST /swaps/user_names": (who) => ["POST", "/swaps/user_names", { domain_id: shop(who), personas: [persona] }],
};
const LISTS = ["GET /users", "GET /domains", "GET /orders", "GET /orders/pending", "GET /swaps"];
const OPEN = ["GET /bundles", "GET /bundles/{id}", "POST /domains/availability"];
const ACCOUNT = ["GET /me", "POST /bundles", "PATCH /bundles/{id}", "DELETE /bundles/{id}"];

test("the matrix covers every endpoint of openapi.json", () => {
  const spec = JSON.parse(readFileSync(join(ROOT, "pkg-template/openapi.json"), "utf8"));
  const all = Object.entries(spec.paths).flatMap(([path, ops]) =>
    Object.keys(ops).filter((m) => ["get", "post", "patch", "delete"].includes(m)).map((m) => `${m.toUpperCase()} ${path}`));
  assert.deepEqual(all.sort(), Object.keys(CASES).sort());
});

test("every endpoint: a customer's own record passes, another customer's is refused before the upstream", async () => {
  for (const sub of [user("alice"), email("alice")]) {
    await matrix(sub);
  }
});

async function matrix(sub) {
  const alice = customer("alice", sub);
  for (const [name, make] of Object.entries(CASES)) {
    if (ACCOUNT.includes(name)) continue;
    const [method, path, body] = make("alice");
    const own = await call(alice, method, path, body);
    if (name === "POST /users" && sub.startsWith("usr_")) {
      assert.equal(own.status, 403, "a usr_ customer has its user already");
    } else {
      assert.ok(own.status < 300, `${name} own (${sub}): ${own.status} ${own.text}`);
    }
    const before = hits.length;
    const [m, p, b] = make("bob");
    const other = await call(alice, m, p, b);
    if (OPEN.includes(name)) {
      assert.ok(other.status < 300, `${name}: ${other.text}`);
    } else if (LISTS.includes(name)) {
      // A list: forced to the customer, whatever the query asked for.
      assert.equal(other.status, 200, `${name}: ${other.text}`);
      const sent = hits.at(-1);
      assert.ok(sent.includes("alice") && !sent.includes("bob"), `${name} sent ${sent}`);
    } else {
      const expected = ["POST /users", "POST /orders"].includes(name) ? 403 : 404;
      assert.equal(other.status, expected, `${name} other (${sub}): ${other.text}`);
      assert.equal(hits.length, before, `${name}: refused, yet ${hits.slice(before)} reached the upstream`);
    }
  }
}

test("account scopes are minted only when asked for; a token holding one still works", async () => {
  for (const scope of ACCOUNT_SCOPES) {
    assert.throws(() => mintBrowserToken(SECRET, { sub: user("alice"), scope }), (e) => e.field === "scope", scope);
  }
  const admin = mintBrowserToken(SECRET, { sub: user("alice"), scope: "me bundles.create" }, { accountScopes: true });
  assert.equal((await call(admin, "GET", "/me")).status, 200);
  assert.equal((await call(admin, "POST", "/bundles", { name: "S", monthly_sending_volume: 25000 })).status, 200);
});

test("a user's email is not changed through the proxy", async () => {
  const before = hits.length;
  const res = await call(customer("alice"), "PATCH", `/users/${user("alice")}`, { email: "alice-2@example.com" });
  assert.equal(res.status, 403, res.text);
  assert.equal(res.json.error.field, "email");
  assert.equal(hits.length, before);
});

test("emails compare with ASCII case folding only: a Kelvin sign is not a k", async () => {
  const before = hits.length;
  const kelvin = mintBrowserToken(SECRET, { sub: "\u212Aate@example.com", scope: "orders.create" });
  const order = CASES["POST /orders"]("kate")[2];
  const res = await call(kelvin, "POST", "/orders", { ...order, domains: ["kate-new.com"] });
  assert.equal(res.status, 403, res.text);
  assert.equal(hits.length, before);
  // The same address in another ASCII case is the same customer.
  const upper = mintBrowserToken(SECRET, { sub: "Kate@example.com", scope: "orders.create" });
  const ok = await call(upper, "POST", "/orders", { ...order, user: "KATE@example.com", domains: ["kate-new.com"] });
  assert.equal(ok.status, 200, ok.text);
});

test("events: each customer reads only its own; another's order stream is 404", async () => {
  const read = async (who, query = "") => {
    const res = await fetch(`${worker.url}/events${query}`, { headers: { authorization: `Bearer ${customer(who)}` } });
    assert.equal(res.status, 200);
    return (await res.json()).events.map((e) => e.id);
  };
  assert.deepEqual(await read("alice"), ["evt_order_alice", "evt_dom_alice"]);
  assert.deepEqual(await read("bob"), ["evt_order_bob", "evt_dom_bob"]);
  assert.deepEqual(await read("alice", "?order_id=ord_bob"), []);
  const stream = (who, order) => fetch(`${worker.url}/events/stream?order_id=${order}`,
    { headers: { authorization: `Bearer ${customer(who)}` } });
  const other = await stream("alice", "ord_bob");
  assert.equal(other.status, 404, await other.text());
  const own = await stream("alice", "ord_alice");
  assert.equal(own.status, 200);
  await own.body.cancel();
  // The whole account's events take an account scope.
  const all = mintBrowserToken(SECRET, { sub: user("alice"), scope: "events.readAll" }, { accountScopes: true });
  const res = await fetch(`${worker.url}/events`, { headers: { authorization: `Bearer ${all}` } });
  assert.equal((await res.json()).events.length, 4);
});

test("the proxy sends the path and query the core built, never the raw ones", async () => {
  const alice = customer("alice");
  const before = hits.length;
  const raw = (method, path) => new Promise((resolve, reject) => {
    const { hostname, port } = new URL(worker.url);
    const req = httpRequest({ hostname, port, method, path, agent: false,
      headers: { authorization: `Bearer ${alice}`, "content-type": "application/json" } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
    });
    req.on("error", reject);
    req.end(method === "POST" ? JSON.stringify({ domains: [`dom_alice`], forwarding_url: "https://x.io" }) : undefined);
  });
  // A query on an endpoint that takes none is not forwarded.
  assert.equal(await raw("POST", "/api/domains/forwarding?x=%0d%0aInjected:1"), 202);
  assert.equal(hits.at(-1), "POST /partner/v1/domains/forwarding");
  // An unknown parameter of a list is refused; an id is sent as the core encodes it.
  assert.equal(await raw("GET", "/api/orders?x=%0d%0aInjected:1"), 400);
  assert.equal(await raw("GET", "/api/users/%252F..%252Fme"), 404);
  assert.equal(await raw("GET", "/api/users/..;"), 404);
  assert.equal(await raw("GET", "/api/swaps/%73wp_alice"), 200);
  assert.equal(hits.at(-1), "GET /partner/v1/swaps/swp_alice");
  assert.equal(hits.length, before + 2);
});

test("the key echoed by the upstream in escaped forms never reaches the browser", async () => {
  const res = await call(customer("alice"), "GET", "/bundles/bun_echo");
  assert.equal(res.status, 400);
  const text = JSON.stringify(res.json);
  assert.ok(!text.includes(KEY), res.text);
  assert.ok(!text.includes(Buffer.from(KEY).toString("base64")), res.text);
  assert.equal(res.json.details, undefined);
  assert.equal(res.json.error.details.again, "[redacted]");
});

test("one customer cannot spend the partner's upstream limit: 429 for it, not for another", async () => {
  const noisy = mintBrowserToken(SECRET, { sub: "noisy@example.com", scope: "bundles.list" });
  let limited = 0;
  for (let i = 0; i < 130 && limited === 0; i++) {
    const res = await call(noisy, "GET", "/bundles");
    if (res.status === 429) {
      limited++;
      assert.equal(res.json.error.code, "rate_limited");
      assert.equal(typeof res.json.error.details.retry_after_seconds, "number");
    }
  }
  assert.equal(limited, 1, "the customer was limited within 130 requests");
  assert.equal((await call(customer("bob"), "GET", "/bundles")).status, 200);
});
