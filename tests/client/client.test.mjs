// PeekerClient from Node against a peeker-sandbox on 127.0.0.1: every
// method, pagination, every error class, abort and timeout, and the fault
// scenarios (5xx + dropped connections on POST /orders, a 429
// storm, 10,000 availability names, no resend of POST /swaps, no secrets).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import {
  PeekerClient,
  PeekerError,
  ValidationError,
  ApiError,
  AuthenticationError,
  PermissionError,
  NotFoundError,
  ConflictError,
  UnprocessableError,
  RateLimitError,
  ServerError,
  ConnectionError,
  TimeoutError,
  AbortError,
} from "peeker-partner";
import { startSandbox, orderBody } from "./harness.mjs";

const KEY = "pk_test_client_suite_key_9f8e7d";
const PASSWORD = "Sm4rtl3ad-s3cret!";
let sb;
let client;

before(async () => {
  sb = await startSandbox({ rateLimit: 100_000, timeScale: 0.01 });
  client = new PeekerClient({ apiKey: KEY, baseUrl: sb.base, rateLimitPerMinute: 0 });
});
after(async () => {
  await sb?.stop();
});

const fast = (extra = {}) => new PeekerClient({ apiKey: KEY, baseUrl: sb.base, rateLimitPerMinute: 0, ...extra });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(what, fn, ms = 20_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}
async function collect(iterable) {
  const out = [];
  for await (const x of iterable) out.push(x);
  return out;
}
function noSecrets(value) {
  for (const text of [String(value), inspect(value, { depth: 10, showHidden: true }), JSON.stringify(value) ?? "", value?.stack ?? "", JSON.stringify(value?.details ?? null)]) {
    assert.ok(!text.includes(KEY), `key leaked: ${text}`);
    assert.ok(!text.includes(PASSWORD), `password leaked: ${text}`);
  }
}

test("me, and the client never shows its key", async () => {
  const me = await client.me();
  assert.equal(me.data.api_key.environment, "test");
  assert.equal(me.data.api_key.permission_preset, "full");
  noSecrets(client);
  assert.equal(String(client), `PeekerClient(${sb.base})`);
  assert.deepEqual(JSON.parse(JSON.stringify(client)), { baseUrl: sb.base });
});

test("bundles: create, list, retrieve, update, delete", async () => {
  const created = await client.bundles.create({ name: "Starter", monthly_sending_volume: 25_000 });
  assert.deepEqual(created.data.required_domains, { google: 15, microsoft: 4, total: 19 });
  const id = created.data.id;
  assert.equal((await client.bundles.retrieve(id)).data.id, id);
  const updated = await client.bundles.update(id, { name: "Starter 2" });
  assert.equal(updated.data.name, "Starter 2");
  const all = await collect(client.bundles.list());
  assert.ok(all.some((b) => b.id === id));
  const deleted = await client.bundles.delete(id);
  assert.equal(deleted.data.status, "deleted");
});

test("users: create, list, retrieve, update, delete; 409 on a duplicate email", async () => {
  const body = { email: "alex.users@acme.com", first_name: "Alex", last_name: "Rivera", sequencer: { provider: "smartlead", client_id: 366903 } };
  const created = await client.users.create(body);
  const id = created.data.id;
  assert.equal((await client.users.retrieve(id)).data.email, "alex.users@acme.com");
  const updated = await client.users.update(id, { sequencer: { provider: "smartlead", client_id: 1 } });
  assert.equal(updated.data.sequencer.client_id, 1);
  assert.ok((await collect(client.users.list({ status: "active" }))).some((u) => u.id === id));
  const dup = await client.users.create(body).catch((e) => e);
  assert.ok(dup instanceof ConflictError && dup instanceof ApiError && dup instanceof PeekerError, String(dup));
  assert.equal(dup.status, 409);
  assert.equal(dup.code, "conflict");
  assert.equal(dup.name, "ConflictError");
  assert.match(dup.requestId, /^req_/);
  assert.equal((await client.users.delete(id)).data.status, "deleted");
});

test("orders, domains, imports, forwarding, swaps: every remaining method", async () => {
  const rows = await client.domains.availability(["shop-one.com", "taken-one.com", "gonly-one.com"]);
  assert.deepEqual(rows.map((r) => [r.domain, r.available]), [["shop-one.com", true], ["taken-one.com", false], ["gonly-one.com", true]]);

  const imported = await client.imports.create({ domains: ["imported-one.com", "imported-two.com"] });
  assert.match(imported.data.id, /^imp_/);
  assert.equal((await client.imports.retrieve(imported.data.id)).data.id, imported.data.id);
  const done = await client.imports.wait(imported.data.id, { pollIntervalMs: 20 });
  assert.equal(done.data.status, "completed");
  const job = await client.imports.createJob({ domains: ["job-one.com", "job-two.com"] });
  assert.equal((await client.imports.retrieveJob(job.data.id)).data.id, job.data.id);
  const lookup = await client.imports.lookup({ domains: ["imported-one.com", "nowhere-xyz.com"] });
  assert.deepEqual(lookup.data.not_found, ["nowhere-xyz.com"]);

  const order = await client.orders.create(orderBody("every", { domains: ["every-shop.com"] }));
  const orderId = order.data.id;
  await until("order completed", async () => (await collect(client.orders.list())).find((o) => o.id === orderId)?.status === "completed");
  const domains = await collect(client.domains.list({ user_id: order.data.user_id }));
  assert.equal(domains.length, 1);
  const dom = domains[0];

  const fw = await client.forwarding.create({ domains: [dom.id], forwarding_url: "https://example.org" });
  assert.equal((await client.forwarding.retrieve(fw.data.id)).data.id, fw.data.id);
  const fwDone = await client.forwarding.wait(fw.data.id, { pollIntervalMs: 20 });
  assert.equal(fwDone.data.status, "completed");

  const names = await client.swaps.userNames({ domain_id: dom.id, personas: [{ first_name: "Jane", last_name: "Doe", profile_picture_url: null }] });
  assert.equal(names.data.swaps.length, 2);
  const swap = await client.swaps.create({ type: "standard", domain_id: dom.id, replacement_domain: "every-replacement.com" });
  assert.equal((await client.swaps.retrieve(swap.data.id)).data.id, swap.data.id);
  assert.ok((await collect(client.swaps.list({ order_id: orderId }))).length >= 3);

  const pending = await collect(client.orders.pending());
  assert.ok(Array.isArray(pending));
  const cancel = await client.orders.cancel(orderId);
  assert.equal(cancel.data.id ?? cancel.data.order_id, orderId);
});

test("pagination walks every page; pages() yields pages; per_page is checked", async () => {
  for (let i = 0; i < 7; i++) {
    await client.bundles.create({ name: `Paged ${i}`, monthly_sending_volume: 1000 + i });
  }
  const pages = await collect(client.bundles.list({ per_page: 2 }).pages());
  assert.ok(pages.length >= 4, `${pages.length} pages`);
  assert.ok(pages.every((p) => p.data.length <= 2));
  const items = await collect(client.bundles.list({ per_page: 2 }));
  assert.equal(items.length, pages.reduce((n, p) => n + p.data.length, 0));
  assert.equal(new Set(items.map((b) => b.id)).size, items.length);
  const bad = await collect(client.bundles.list({ per_page: 101 })).catch((e) => e);
  assert.ok(bad instanceof ValidationError, String(bad));
  assert.equal(bad.problems[0].field, "per_page");
});

test("writes are validated before any request", async () => {
  const before = sb.count(/POST \/partner\/v1\/orders /);
  const e = await client.orders.create({ ...orderBody("invalid"), domains: ["not a domain"], personas: [] }).catch((x) => x);
  assert.ok(e instanceof ValidationError, String(e));
  assert.ok(e.problems.length >= 2);
  noSecrets(e);
  assert.equal(sb.count(/POST \/partner\/v1\/orders /), before);
  // A name repeated across calls of 50 is caught before anything is sent.
  const many = Array.from({ length: 120 }, (_, i) => `ok-${i}.com`);
  many[77] = "OK-3.com";
  const calls = sb.count(/POST \/partner\/v1\/domains\/availability /);
  const av = await client.domains.availability(many).catch((x) => x);
  assert.ok(av instanceof ValidationError, String(av));
  assert.equal(av.problems[0].field, "domains[77]");
  assert.equal(av.problems[0].details.first_index, 3);
  assert.equal(sb.count(/POST \/partner\/v1\/domains\/availability /), calls);
});

test("domains.availability: a malformed name is an invalid row in place, not sent", async () => {
  const names = Array.from({ length: 120 }, (_, i) => `typo-${i}.com`);
  names[5] = "bad name";
  names[77] = "-x-.com";
  const calls = sb.count(/POST \/partner\/v1\/domains\/availability /);
  const rows = await client.domains.availability(names);
  assert.equal(rows.length, 120);
  assert.deepEqual(rows.map((r) => r.domain), names);
  assert.deepEqual(rows[5], { domain: "bad name", available: false, reason: "invalid" });
  assert.equal(rows[77].reason, "invalid");
  assert.ok(rows.every((r, i) => i === 5 || i === 77 || r.available));
  // 118 names sent: three calls, none of them refused.
  assert.equal(sb.count(/POST \/partner\/v1\/domains\/availability /) - calls, 3);
  const none = await client.domains.availability(["bad name"]);
  assert.deepEqual(none, [{ domain: "bad name", available: false, reason: "invalid" }]);
});

test("every API error class", async () => {
  const live = new PeekerClient({ apiKey: "pk_live_abcdef123456", baseUrl: sb.base });
  const e401 = await live.me().catch((e) => e);
  assert.ok(e401 instanceof AuthenticationError, String(e401));
  assert.equal(e401.status, 401);
  assert.match(e401.message, /Authorization: Bearer/);
  assert.ok(!String(e401).includes("pk_live_abcdef123456"));

  const read = new PeekerClient({ apiKey: "pk_test_read_key1", baseUrl: sb.base });
  const e403 = await read.bundles.create({ name: "x", monthly_sending_volume: 1000 }).catch((e) => e);
  assert.ok(e403 instanceof PermissionError, String(e403));
  assert.match(e403.message, /full preset/);

  const e404 = await client.bundles.retrieve("bun_doesnotexist").catch((e) => e);
  assert.ok(e404 instanceof NotFoundError, String(e404));
  assert.equal(e404.code, "not_found");

  // 422: a split the server refuses (the client cannot know a bundle's split).
  const bundle = await client.bundles.create({ name: "Split", monthly_sending_volume: 25_000 });
  const e422 = await client.orders
    .create(orderBody("split", { google_licenses: undefined, microsoft_licenses: undefined, bundle_id: bundle.data.id, domains: ["split-a.com", "split-b.com"] }))
    .catch((e) => e);
  assert.ok(e422 instanceof UnprocessableError, String(e422));
  assert.equal(e422.code, "domain_count_mismatch");
  assert.equal(e422.field, "domains");
  assert.equal(e422.details.required_count, 19);
  noSecrets(e422);

  const limited = await startSandbox({ rateLimit: 2 });
  try {
    const c = new PeekerClient({ apiKey: KEY, baseUrl: limited.base, maxRetries: 0 });
    await c.me();
    await c.me();
    const e429 = await c.me().catch((e) => e);
    assert.ok(e429 instanceof RateLimitError, String(e429));
    assert.ok(e429.details.retry_after_seconds >= 1);
  } finally {
    await limited.stop();
  }

  await sb.faults({ error_rate: 1 });
  try {
    const e500 = await fast({ maxRetries: 0 }).me().catch((e) => e);
    assert.ok(e500 instanceof ServerError, String(e500));
    assert.equal(e500.status, 500);
    assert.equal(e500.name, "ServerError");
  } finally {
    await sb.faults({});
  }

  const nowhere = new PeekerClient({ apiKey: KEY, baseUrl: "http://127.0.0.1:9/partner/v1", maxRetries: 0 });
  const conn = await nowhere.me().catch((e) => e);
  assert.ok(conn instanceof ConnectionError && !(conn instanceof TimeoutError), String(conn));
  noSecrets(conn);
});

test("abort and timeout", async () => {
  await sb.faults({ latency_ms: 400 });
  try {
    const controller = new AbortController();
    const p = client.me({ signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const aborted = await p.catch((e) => e);
    assert.ok(aborted instanceof AbortError, String(aborted));
    assert.equal(aborted.name, "AbortError");
    const t0 = Date.now();
    const timedOut = await client.me({ timeoutMs: 60, maxRetries: 0 }).catch((e) => e);
    assert.ok(timedOut instanceof TimeoutError && timedOut instanceof ConnectionError, String(timedOut));
    assert.ok(Date.now() - t0 < 350);
    // A timed-out POST /swaps is not resent: it may have reached the server.
    const seen = [];
    const c = fast({ onRetry: (i) => seen.push(i) });
    const e = await c.swaps.create({ type: "standard", domain_id: "dom_x1", replacement_domain: "x-new.com" }, { timeoutMs: 60 }).catch((x) => x);
    assert.ok(e instanceof TimeoutError);
    assert.match(e.message, /not sent again/);
    assert.deepEqual(seen, []);
  } finally {
    await sb.faults({});
  }
});

test("30 % 5xx plus a dropped connection after commit on POST /orders: one order, one charge", async () => {
  const before = await sb.state();
  await sb.faults({ error_rate: 0.3, drop_after_commit: "POST /orders", drop_count: 1 });
  const retries = [];
  const c = fast({ maxRetries: 8, onRetry: (info) => retries.push(info) });
  let order;
  try {
    order = await c.orders.create(orderBody("faulty"));
  } finally {
    await sb.faults({});
  }
  assert.ok(retries.length >= 1, "at least the dropped connection was retried");
  assert.ok(retries.every((r) => !JSON.stringify(r).includes(KEY)));
  assert.ok(sb.count(/POST \/partner\/v1\/orders .*connection dropped after commit/) === 1);
  const after = await sb.state();
  assert.equal(after.orders - before.orders, 1);
  const orders = (await collect(client.orders.list())).filter((o) => o.id === order.data.id);
  assert.equal(orders.length, 1);
  const charges = after.charges.slice(before.charges.length);
  assert.ok(charges.length >= 1);
  assert.ok(charges.every((ch) => JSON.stringify(ch).includes(order.data.id)), JSON.stringify(charges));
  assert.equal(after.charged_cents - before.charged_cents, order.data.costs.total_cents);
});

test("no resend of POST /swaps after it may have reached the server", async () => {
  const order = await client.orders.create(orderBody("swapdrop"));
  await until("order completed", async () => (await collect(client.orders.list())).find((o) => o.id === order.data.id)?.status === "completed");
  const [dom] = await collect(client.domains.list({ user_id: order.data.user_id }));
  await sb.faults({ drop_after_commit: "POST /swaps", drop_count: 1 });
  const before = sb.count(/POST \/partner\/v1\/swaps /);
  try {
    const e = await fast({ maxRetries: 5 })
      .swaps.create({ type: "standard", domain_id: dom.id, replacement_domain: "swapdrop-new.com" })
      .catch((x) => x);
    assert.ok(e instanceof ConnectionError, String(e));
    assert.match(e.message, /not sent again/);
  } finally {
    await sb.faults({});
  }
  await sleep(50);
  assert.equal(sb.count(/POST \/partner\/v1\/swaps /) - before, 1);
  // It did happen: exactly one swap exists for the domain.
  const swaps = (await collect(client.swaps.list({ order_id: order.data.id }))).filter((s) => s.type !== "user_names");
  assert.equal(swaps.length, 1);
});

test("a 429 storm is waited out as told (retry_after_seconds + up to 1 s)", async () => {
  await sb.faults({ rate_limit_rate: 0.5 });
  const waits = [];
  try {
    const c = fast({ maxRetries: 20, onRetry: (i) => waits.push(i) });
    // Half the calls meet a 429: call until two have (20 calls at most, so a
    // run without any 429 is a one-in-a-million event, not a flaky test).
    for (let i = 0; i < 20 && waits.length < 2; i++) await c.me();
  } finally {
    await sb.faults({});
  }
  assert.ok(waits.length >= 1, "the storm caused retries");
  for (const w of waits) {
    assert.equal(w.reason, "rate_limited");
    assert.equal(w.status, 429);
    assert.ok(w.delayMs >= 1000 && w.delayMs <= 2000, String(w.delayMs));
  }
});

test("10,000 names through domains.availability: input order, zero 429s", async () => {
  const names = Array.from({ length: 10_000 }, (_, i) => `bulk-${i}${i % 97 === 0 ? "-taken" : ""}.com`);
  const before = sb.count(/ 429$/);
  const progress = [];
  const c = new PeekerClient({ apiKey: KEY, baseUrl: sb.base, rateLimitPerMinute: 12_000, maxRetries: 0 });
  const t0 = Date.now();
  const rows = await c.domains.availability(names, { onProgress: (done, total) => progress.push([done, total]) });
  const ms = Date.now() - t0;
  assert.equal(rows.length, names.length);
  assert.deepEqual(rows.map((r) => r.domain), names);
  assert.equal(rows.filter((r) => !r.available).length, Math.ceil(10_000 / 97));
  assert.equal(sb.count(/ 429$/), before);
  assert.equal(progress.length, 200);
  assert.deepEqual(progress.at(-1), [10_000, 10_000]);
  // 200 calls at 200 a second: about a second, not less.
  assert.ok(ms >= 900, `${ms} ms`);
});

test("secrets never appear: key and Smartlead password", async () => {
  const errors = [];
  errors.push(await fast({ maxRetries: 0 }).users.create({ email: "bad", sequencer: { provider: "smartlead", login_email: "x@y.com", login_password: PASSWORD, client_id: null } }).catch((e) => e));
  errors.push(await new PeekerClient({ apiKey: KEY, baseUrl: "http://127.0.0.1:9/partner/v1", maxRetries: 0 }).orders.create(orderBody("leak")).catch((e) => e));
  const bad = (() => {
    try {
      return new PeekerClient({ apiKey: `${KEY}\n` });
    } catch (e) {
      return e;
    }
  })();
  errors.push(bad);
  for (const e of errors) {
    assert.ok(e instanceof PeekerError, String(e));
    noSecrets(e);
  }
});

test("the browser refusal for pk_live_ keys", () => {
  globalThis.window = {};
  globalThis.document = {};
  try {
    assert.throws(() => new PeekerClient({ apiKey: "pk_live_abc123" }), (e) => e instanceof PeekerError && /Worker's proxy/.test(e.message) && !e.message.includes("pk_live_abc123"));
    assert.ok(new PeekerClient({ apiKey: "pk_live_abc123", dangerouslyAllowBrowser: true }));
    assert.ok(new PeekerClient({ apiKey: "pk_test_abc123" }));
  } finally {
    delete globalThis.window;
    delete globalThis.document;
  }
  assert.ok(new PeekerClient({ apiKey: "pk_live_abc123" }));
});

test("options are checked", () => {
  assert.throws(() => new PeekerClient(), PeekerError);
  assert.throws(() => new PeekerClient({ apiKey: KEY, maxRetries: -1 }), /maxRetries/);
  assert.throws(() => new PeekerClient({ apiKey: KEY, onRetry: 3 }), /onRetry/);
});
