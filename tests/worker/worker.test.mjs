// The webhook Worker (worker/) in workerd, via `wrangler dev --local`, over
// real HTTP on 127.0.0.1, with local D1 persistence. Deliveries are signed with
// the package's own signWebhook, as Peeker would sign them.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, request as httpRequest } from "node:http";
import { mintBrowserToken, signWebhook } from "peeker-partner";
import { freePort, migrate, startWorker, tempDir } from "./wrangler.mjs";

const OLD = "whsec_test_old_8c1f";
const NEW = "whsec_test_new_47aa";
// /events takes a browser token with scope events.read (docs/contract.md#browser-tokens).
const TOKEN_SECRET = "proxy-token-secret-for-tests-3b9d-0123456789";
// The whole account's events: these tests are about storing them (ownership.test.mjs has the per-customer reads).
const TOKEN = mintBrowserToken(TOKEN_SECRET, { sub: "usr_events_reader", scope: "events.readAll",
  exp: Math.floor(Date.now() / 1000) + 3600 }, { accountScopes: true });
const FRONTEND = "http://127.0.0.1:5173";
const MIB = 1024 * 1024;

const persistTo = tempDir("peeker-worker-test-");
let worker;
let forwarded = []; // requests the Worker re-posted to FORWARD_URL
let forwardTarget;
let failNextForward = new Set(); // event ids whose first forward answers 503

const vars = (forwardUrl) => ({
  PEEKER_WEBHOOK_SECRET: `${OLD},${NEW}`,
  PROXY_TOKEN_SECRET: TOKEN_SECRET,
  ALLOWED_ORIGINS: FRONTEND,
  FORWARD_URL: forwardUrl,
  FORWARD_SECRET: "whsec_forward_test_51d0",
  FORWARD_RETRY_SECONDS: "0",
});

before(async () => {
  forwardTarget = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const id = req.headers["peeker-event-id"];
      forwarded.push({ id, headers: req.headers, body });
      const fail = failNextForward.delete(id);
      res.writeHead(fail ? 503 : 200).end();
    });
  });
  const port = await freePort();
  await new Promise((r) => forwardTarget.listen(port, "127.0.0.1", r));
  await migrate(persistTo);
  worker = await startWorker({ persistTo, vars: vars(`http://127.0.0.1:${port}/hook`) });
});

after(async () => {
  await worker?.stop();
  forwardTarget?.close();
});

const now = () => Math.floor(Date.now() / 1000);

function envelope(id, type, data, created_at = "2026-05-08T12:00:00Z") {
  return JSON.stringify({ id, type, created_at, data });
}

/** POSTs a body to the webhook endpoint, signed unless told otherwise. */
async function deliver(body, { secret = NEW, timestamp = now(), eventId, headers } = {}) {
  const signed = headers ?? {
    ...signWebhook(body, secret, { timestamp }),
    ...(eventId ? { "Peeker-Event-Id": eventId } : {}),
  };
  const res = await fetch(`${worker.url}/webhooks/peeker`, {
    method: "POST",
    headers: { "content-type": "application/json", ...signed },
    body,
  });
  return { status: res.status, text: await res.text() };
}

async function events(query = "", token = TOKEN) {
  const res = await fetch(`${worker.url}/events${query}`, {
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

/** Every stored event (all pages), optionally for one order. */
async function allEvents(orderId) {
  const out = [];
  for (let after = 0; ;) {
    const q = `?limit=500&after=${after}${orderId ? `&order_id=${orderId}` : ""}`;
    const { status, body } = await events(q);
    assert.equal(status, 200);
    out.push(...body.events);
    if (!body.has_more) return out;
    after = body.next_after;
  }
}

const ids = (list) => list.map((e) => e.id);

test("a valid delivery is stored and served with its order id", async () => {
  const body = envelope("evt_valid_1", "order.in_progress", { id: "ord_valid", status: "in_progress" });
  const res = await deliver(body, { eventId: "evt_valid_1" });
  assert.equal(res.status, 200, res.text);
  const [stored] = await allEvents("ord_valid");
  assert.equal(stored.id, "evt_valid_1");
  assert.equal(stored.type, "order.in_progress");
  assert.equal(stored.order_id, "ord_valid");
  assert.deepEqual(stored.data, { id: "ord_valid", status: "in_progress" });
  assert.ok(Number.isInteger(stored.seq));
});

test("a tampered body is 401, not stored, and nothing of it is echoed", async () => {
  const body = envelope("evt_tampered", "order.failed", { id: "ord_tampered_marker", status: "failed" });
  const headers = signWebhook(body, NEW, { timestamp: now() });
  const res = await deliver(body.replace("failed", "completed"), { headers });
  assert.equal(res.status, 401);
  assert.equal(JSON.parse(res.text).error.code, "signature_mismatch");
  for (const secretish of ["ord_tampered_marker", "evt_tampered", headers["Peeker-Signature"].slice(3, 20)]) {
    assert.ok(!res.text.includes(secretish), `the answer echoes ${secretish}`);
  }
  assert.deepEqual(await allEvents("ord_tampered_marker"), []);
});

test("a stale or far-future timestamp is 401", async () => {
  const body = envelope("evt_stale", "order.failed", { id: "ord_stale", status: "failed" });
  for (const timestamp of [now() - 301 - 5, now() + 301 + 5, 0]) {
    const res = await deliver(body, { timestamp });
    assert.equal(res.status, 401, `timestamp ${timestamp}`);
    assert.equal(JSON.parse(res.text).error.code, "timestamp_out_of_range");
  }
  assert.deepEqual(await allEvents("ord_stale"), []);
});

test("a duplicate delivery answers 200 and is stored once", async () => {
  const body = envelope("evt_dup", "order.completed", { id: "ord_dup", status: "completed" });
  const first = await deliver(body, { eventId: "evt_dup" });
  const before = await allEvents("ord_dup");
  // A retry is signed again, later, as Peeker's redelivery would be.
  const second = await deliver(body, { eventId: "evt_dup", timestamp: now() + 2 });
  assert.equal(first.status, 200);
  assert.equal(second.status, 200);
  const stored = await allEvents("ord_dup");
  assert.deepEqual(stored, before, "a redelivery changed nothing");
  assert.deepEqual(ids(stored), ["evt_dup"]);
});

test("out-of-order events are all stored and served in arrival order", async () => {
  // domain.connected names its order in data.order_id; it arrives first here.
  const late = envelope("evt_ooo_2", "order.completed", { id: "ord_ooo", status: "completed" }, "2026-05-08T12:14:33Z");
  const early = envelope("evt_ooo_1", "domain.connected",
    { id: "dom_ooo", domain: "acme.com", order_id: "ord_ooo", status: "active" }, "2026-05-08T12:10:00Z");
  assert.equal((await deliver(late)).status, 200);
  assert.equal((await deliver(early)).status, 200);
  const stored = await allEvents("ord_ooo");
  assert.deepEqual(ids(stored), ["evt_ooo_2", "evt_ooo_1"]);
  assert.ok(stored[0].seq < stored[1].seq);
  assert.deepEqual(stored.map((e) => e.order_id), ["ord_ooo", "ord_ooo"]);
});

test("during rotation both secrets verify; any other secret is 401", async () => {
  const signedWith = async (secret, n) =>
    (await deliver(envelope(`evt_rot_${n}`, "swap.created", { id: `swp_${n}`, order_id: "ord_rot" }), { secret })).status;
  assert.equal(await signedWith(OLD, 1), 200);
  assert.equal(await signedWith(NEW, 2), 200);
  assert.equal(await signedWith("whsec_someone_else", 3), 401);
  // Peeker's own rotation header: one stale entry and one valid.
  const body = envelope("evt_rot_4", "swap.completed", { id: "swp_4", order_id: "ord_rot" });
  const ts = now();
  const valid = signWebhook(body, OLD, { timestamp: ts })["Peeker-Signature"];
  const other = signWebhook(body, "whsec_retired", { timestamp: ts })["Peeker-Signature"];
  const res = await deliver(body, { headers: { "Peeker-Timestamp": `${ts}`, "Peeker-Signature": `${other}, ${valid}` } });
  assert.equal(res.status, 200);
  assert.deepEqual(ids(await allEvents("ord_rot")), ["evt_rot_1", "evt_rot_2", "evt_rot_4"]);
});

test("over 1 MiB is 413, by Content-Length and by actual size; exactly 1 MiB passes", async () => {
  const sized = (id, size) => {
    const head = envelope(id, "order.in_progress", { id: "ord_size", status: "in_progress", pad: "" });
    return head.replace('"pad":""', `"pad":"${"x".repeat(size - head.length)}"`);
  };
  const exact = sized("evt_size_ok", MIB);
  assert.equal(Buffer.byteLength(exact), MIB);
  assert.equal((await deliver(exact)).status, 200);

  const over = sized("evt_size_big", MIB + 1);
  const res = await deliver(over);
  assert.equal(res.status, 413);
  assert.ok(!res.text.includes("xxxx"));

  // Chunked: no Content-Length, so only the bytes read can tell.
  const status = await new Promise((resolve, reject) => {
    const req = httpRequest(`${worker.url}/webhooks/peeker`, {
      method: "POST",
      headers: { "content-type": "application/json", ...signWebhook(over, NEW) },
    }, (r) => { r.resume(); resolve(r.statusCode); });
    req.on("error", reject);
    for (let i = 0; i < over.length; i += 64 * 1024) req.write(over.slice(i, i + 64 * 1024));
    req.end();
  });
  assert.equal(status, 413);
  assert.deepEqual(ids(await allEvents("ord_size")), ["evt_size_ok"]);
});

test("a validly signed body that is not a JSON event envelope is 400", async () => {
  for (const body of ["not json at all", "[1,2,3]", '{"id":"evt_x"}']) {
    const res = await deliver(body);
    assert.equal(res.status, 400, body);
    assert.equal(JSON.parse(res.text).error.code, "invalid_payload");
  }
});

test("missing or malformed Peeker headers are 400", async () => {
  const body = envelope("evt_hdr", "order.failed", { id: "ord_hdr", status: "failed" });
  const { "Peeker-Timestamp": ts, "Peeker-Signature": sig } = signWebhook(body, NEW);
  for (const headers of [{}, { "Peeker-Timestamp": ts }, { "Peeker-Signature": sig },
    { "Peeker-Timestamp": "abc", "Peeker-Signature": sig }, { "Peeker-Timestamp": ts, "Peeker-Signature": "v1=abc" }]) {
    const res = await deliver(body, { headers });
    assert.equal(res.status, 400, JSON.stringify(headers));
  }
  assert.deepEqual(await allEvents("ord_hdr"), []);
});

test("an event id header that disagrees with the body is 401", async () => {
  const body = envelope("evt_id_a", "order.failed", { id: "ord_idm", status: "failed" });
  const res = await deliver(body, { eventId: "evt_id_b" });
  assert.equal(res.status, 401);
  assert.equal(JSON.parse(res.text).error.code, "event_id_mismatch");
});

test("/events needs a browser token with scope events.read (401 without a valid one, 403 without the scope)", async () => {
  const other = mintBrowserToken(TOKEN_SECRET, { sub: "usr_x", scope: "orders.create" });
  const foreign = mintBrowserToken("another-secret-of-at-least-32-bytes!!", { sub: "usr_x", scope: "events.read" });
  for (const token of [null, "", "wrong", TOKEN.slice(0, -1), `${TOKEN}x`, foreign]) {
    const res = await events("", token);
    assert.equal(res.status, 401, `token ${token}`);
    assert.equal(res.body.error.code, "unauthorized");
    assert.match(res.headers.get("www-authenticate"), /^Bearer/);
  }
  const res = await fetch(`${worker.url}/events`, { headers: { authorization: TOKEN } }); // no scheme
  assert.equal(res.status, 401);
  const wrongScope = await events("", other);
  assert.equal(wrongScope.status, 403);
  assert.equal(wrongScope.body.error.code, "forbidden");
  assert.equal((await events()).status, 200);
});

test("/events filters by order_id and pages with after and limit", async () => {
  const order = "ord_page";
  for (let i = 1; i <= 5; i++) {
    const res = await deliver(envelope(`evt_page_${i}`, "domain.connected",
      { id: `dom_page_${i}`, domain: `p${i}.com`, order_id: order, status: "active" }));
    assert.equal(res.status, 200);
    // Another order's event in between must not show up in the filtered list.
    await deliver(envelope(`evt_other_${i}`, "order.in_progress", { id: "ord_other", status: "in_progress" }));
  }
  const first = await events(`?order_id=${order}&limit=2`);
  assert.deepEqual(ids(first.body.events), ["evt_page_1", "evt_page_2"]);
  assert.equal(first.body.has_more, true);
  const second = await events(`?order_id=${order}&limit=2&after=${first.body.next_after}`);
  assert.deepEqual(ids(second.body.events), ["evt_page_3", "evt_page_4"]);
  const third = await events(`?order_id=${order}&limit=2&after=${second.body.next_after}`);
  assert.deepEqual(ids(third.body.events), ["evt_page_5"]);
  assert.equal(third.body.has_more, false);
  const empty = await events(`?order_id=${order}&after=${third.body.next_after}`);
  assert.deepEqual(empty.body.events, []);
  assert.equal(empty.body.next_after, third.body.next_after, "polling with the cursor is stable");

  const all = await allEvents();
  assert.deepEqual(all.map((e) => e.seq), [...all.map((e) => e.seq)].sort((a, b) => a - b));
  for (const bad of ["?after=-1", "?after=x", "?limit=0", "?limit=501"]) {
    assert.equal((await events(bad)).status, 400, bad);
  }
});

test("CORS: the allowed frontend may read /events; another Origin is refused", async () => {
  const pre = await fetch(`${worker.url}/events`, {
    method: "OPTIONS",
    headers: { origin: FRONTEND, "access-control-request-method": "GET",
      "access-control-request-headers": "authorization" },
  });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get("access-control-allow-origin"), FRONTEND);
  assert.match(pre.headers.get("access-control-allow-headers"), /authorization/i);
  const ok = await fetch(`${worker.url}/events`, { headers: { origin: FRONTEND, authorization: `Bearer ${TOKEN}` } });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get("access-control-allow-origin"), FRONTEND);
  for (const origin of ["http://evil.example", "null"]) {
    const res = await fetch(`${worker.url}/events`, { headers: { origin, authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 403, origin);
    assert.equal((await res.json()).error.code, "forbidden");
  }
});

test("anything else is a JSON 404", async () => {
  for (const [method, path] of [["GET", "/"], ["GET", "/webhooks/peeker"], ["POST", "/events"], ["PUT", "/webhooks/peeker"]]) {
    const res = await fetch(`${worker.url}${path}`, { method });
    assert.equal(res.status, 404, `${method} ${path}`);
    assert.equal((await res.json()).error.code, "not_found");
  }
});

test("a new event is forwarded after the answer, retried on 503, never for a duplicate", async () => {
  const body = envelope("evt_fwd", "order.completed", { id: "ord_fwd", status: "completed" });
  failNextForward.add("evt_fwd");
  const res = await deliver(body, { eventId: "evt_fwd" });
  assert.equal(res.status, 200);
  const deadline = Date.now() + 10_000;
  const got = () => forwarded.filter((f) => f.id === "evt_fwd");
  while (got().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.equal(got().length, 2, "one 503, then one retry");
  for (const f of got()) {
    assert.equal(f.body, body, "the raw body, byte for byte");
    assert.ok(f.headers["peeker-signature"].startsWith("v1="), "signed afresh (tests/worker/edge.test.mjs checks it)");
  }
  assert.equal((await deliver(body, { eventId: "evt_fwd" })).status, 200);
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(got().length, 2, "a redelivery is not forwarded again");
});

test("after a restart on the same D1 directory no stored event is lost", async () => {
  const beforeRestart = await allEvents();
  assert.ok(beforeRestart.length >= 15, `only ${beforeRestart.length} events stored`);
  await worker.stop();
  worker = await startWorker({ persistTo, vars: vars("") });
  assert.deepEqual(await allEvents(), beforeRestart);
  // Dedupe survives too, and the sequence keeps growing.
  const dup = await deliver(envelope("evt_dup", "order.completed", { id: "ord_dup", status: "completed" }));
  assert.equal(dup.status, 200);
  const fresh = await deliver(envelope("evt_after_restart", "order.cancelled", { id: "ord_dup", status: "cancelled" }));
  assert.equal(fresh.status, 200);
  const after = await allEvents();
  assert.equal(after.length, beforeRestart.length + 1);
  assert.ok(after.at(-1).seq > beforeRestart.at(-1).seq);
  assert.deepEqual(ids(await allEvents("ord_dup")), ["evt_dup", "evt_after_restart"]);
});
