// The Worker's edge features in workerd (wrangler dev --local) over real HTTP
// on 127.0.0.1: GET /events/stream (a Durable Object per order, resumable from
// D1 with Last-Event-ID), forwarding through a Queue (retries, dead letters in
// D1, the admin list and retry call), and the package's watchEvents against
// it from Node and from headless Chromium.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { mintBrowserToken, signWebhook, verifyWebhook, watchEvents } from "peeker-partner";
import { freePort, migrate, startWorker, tempDir } from "./wrangler.mjs";
import { launch, serveRoot } from "../browser/harness.mjs";

const SECRET = "whsec_edge_test_7a1c";
const FORWARD_SECRET = "whsec_forward_edge_3e9b";
const TOKEN_SECRET = "proxy-token-secret-for-edge-tests-0123456789";
const exp = Math.floor(Date.now() / 1000) + 3600;
// Account scopes: these tests are about the stream and forwarding, not ownership.
const READER = mintBrowserToken(TOKEN_SECRET, { sub: "usr_reader", scope: "events.readAll", exp }, { accountScopes: true });
const ADMIN = mintBrowserToken(TOKEN_SECRET, { sub: "usr_admin", scope: "forwarding.admin", exp }, { accountScopes: true });

let worker, target, page;
// The forwarding target: answers by event id from `plan` (a list of statuses,
// then 200), records every request.
const received = [];
const plan = new Map();

before(async () => {
  target = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const id = req.headers["peeker-event-id"];
      received.push({ id, headers: req.headers, body });
      const statuses = plan.get(id) ?? [];
      res.writeHead(statuses.length ? statuses.shift() : 200).end();
    });
  });
  const port = await freePort();
  await new Promise((r) => target.listen(port, "127.0.0.1", r));
  page = await serveRoot();
  const persistTo = tempDir("peeker-worker-edge-");
  await migrate(persistTo);
  worker = await startWorker({
    persistTo,
    vars: {
      PEEKER_WEBHOOK_SECRET: SECRET, PROXY_TOKEN_SECRET: TOKEN_SECRET, ALLOWED_ORIGINS: page.url,
      FORWARD_URL: `http://127.0.0.1:${port}/hook`, FORWARD_SECRET, FORWARD_RETRY_SECONDS: "0",
    },
  });
});

after(async () => {
  await worker?.stop();
  target?.close();
  await page?.close();
});

const envelope = (id, type, orderId) =>
  JSON.stringify({ id, type, created_at: "2026-05-08T12:00:00Z", data: { id: orderId, status: type.slice(6) } });

async function deliver(body) {
  const res = await fetch(`${worker.url}/webhooks/peeker`, {
    method: "POST", headers: { "content-type": "application/json", ...signWebhook(body, SECRET) }, body,
  });
  assert.equal(res.status, 200, await res.text());
}

/** Opens the stream and collects frames until `count` events arrived. */
async function collect(orderId, count, { token = READER, lastEventId } = {}) {
  const controller = new AbortController();
  const headers = { authorization: `Bearer ${token}` };
  if (lastEventId) headers["last-event-id"] = String(lastEventId);
  const res = await fetch(`${worker.url}/events/stream?order_id=${orderId}`, { headers, signal: controller.signal });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/event-stream");
  const events = [];
  let text = "";
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  const done = (async () => {
    while (events.length < count) {
      const { value, done: end } = await reader.read();
      if (end) break;
      text += value;
      let cut;
      while ((cut = text.indexOf("\n\n")) >= 0) {
        const frame = text.slice(0, cut);
        text = text.slice(cut + 2);
        const id = /^id: (\d+)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (id) events.push({ seq: Number(id), event: JSON.parse(data) });
      }
    }
    controller.abort();
    return events;
  })();
  return { done, controller };
}

const until = async (check, what, ms = 60_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

test("the stream delivers an order's events in order, live, and resumes after Last-Event-ID", async () => {
  await deliver(envelope("evt_s1", "order.in_progress", "ord_s"));
  const watcher = await collect("ord_s", 3);
  await deliver(envelope("evt_s2", "order.in_progress", "ord_s"));
  await deliver(envelope("evt_s3", "order.completed", "ord_s"));
  const got = await watcher.done;
  assert.deepEqual(got.map((e) => e.event.id), ["evt_s1", "evt_s2", "evt_s3"]);
  assert.ok(got[0].seq < got[1].seq && got[1].seq < got[2].seq);

  const resumed = await collect("ord_s", 2, { lastEventId: got[0].seq });
  const again = await resumed.done;
  assert.deepEqual(again.map((e) => e.event.id), ["evt_s2", "evt_s3"], "resumes right after Last-Event-ID");
});

test("two watchers of different orders each see only their own order", async () => {
  const a = await collect("ord_a", 2);
  const b = await collect("ord_b", 2);
  for (const [id, order] of [["evt_a1", "ord_a"], ["evt_b1", "ord_b"], ["evt_a2", "ord_a"], ["evt_b2", "ord_b"]]) {
    await deliver(envelope(id, "order.in_progress", order));
  }
  assert.deepEqual((await a.done).map((e) => e.event.id), ["evt_a1", "evt_a2"]);
  assert.deepEqual((await b.done).map((e) => e.event.id), ["evt_b1", "evt_b2"]);
});

test("the stream takes the same token as /events: refused without it, with another scope, or a bad order id", async () => {
  const stream = (headers, q = "order_id=ord_s") => fetch(`${worker.url}/events/stream?${q}`, { headers });
  assert.equal((await stream({})).status, 401);
  assert.equal((await stream({ authorization: `Bearer ${READER}x` })).status, 401);
  assert.equal((await stream({ authorization: `Bearer ${ADMIN}` })).status, 403);
  assert.equal((await stream({ authorization: `Bearer ${READER}` }, "order_id=../x")).status, 400);
  assert.equal((await stream({ authorization: `Bearer ${READER}`, origin: "http://evil.example" })).status, 403);
});

test("watchEvents from Node: every event of the order once, in order, across a reconnect", async () => {
  const seen = [];
  const controller = new AbortController();
  const watching = watchEvents(worker.url, {
    token: READER, orderId: "ord_w", signal: controller.signal,
    onEvent: (event, { id }) => {
      seen.push([id, event.id]);
      if (event.type === "order.completed") controller.abort();
    },
  });
  for (const [i, type] of ["order.in_progress", "order.in_progress", "order.completed"].entries()) {
    await deliver(envelope(`evt_w${i}`, type, "ord_w"));
  }
  await watching;
  assert.deepEqual(seen.map(([, id]) => id), ["evt_w0", "evt_w1", "evt_w2"]);
  // Resuming after the first id gives the rest, and nothing twice.
  const rest = [];
  const again = new AbortController();
  await watchEvents(worker.url, {
    token: READER, orderId: "ord_w", signal: again.signal, lastEventId: seen[0][0],
    onEvent: (event) => {
      rest.push(event.id);
      if (rest.length === 2) again.abort();
    },
  });
  assert.deepEqual(rest, ["evt_w1", "evt_w2"]);
});

test("watchEvents in headless Chromium against the Worker (CORS, token in a header)", async () => {
  const browser = await launch();
  try {
    const tab = await browser.newPage();
    await tab.goto(`${page.url}/tests/browser/app/index.html`);
    const watching = tab.evaluate(async ({ url, token }) => {
      const { watchEvents } = await import("/pkg/index.browser.js");
      const seen = [];
      const controller = new AbortController();
      await watchEvents(url, {
        token, orderId: "ord_c", signal: controller.signal,
        onEvent: (event) => {
          seen.push(event.id);
          if (event.type === "order.completed") controller.abort();
        },
      });
      return seen;
    }, { url: worker.url, token: READER });
    await new Promise((r) => setTimeout(r, 500)); // let the page connect first (either order works)
    await deliver(envelope("evt_c1", "order.in_progress", "ord_c"));
    await deliver(envelope("evt_c2", "order.completed", "ord_c"));
    assert.deepEqual(await watching, ["evt_c1", "evt_c2"]);
  } finally {
    await browser.close();
  }
});

test("forwarding: a target failing twice then up gets the event once more, signed afresh for the package", async () => {
  const body = envelope("evt_f1", "order.completed", "ord_f");
  plan.set("evt_f1", [503, 500]);
  await deliver(body);
  await until(() => received.filter((r) => r.id === "evt_f1").length >= 3, "three forwarding attempts");
  const attempts = received.filter((r) => r.id === "evt_f1");
  assert.equal(attempts.length, 3);
  for (const r of attempts) {
    assert.equal(r.body, body, "the stored body, byte for byte");
    // The target verifies with the package and FORWARD_SECRET (not Peeker's secret).
    assert.equal(verifyWebhook(r.body, r.headers, FORWARD_SECRET).id, "evt_f1");
    assert.throws(() => verifyWebhook(r.body, r.headers, SECRET), { code: "signature_mismatch" });
  }
  // A redelivery of the same event is not forwarded again.
  await deliver(body);
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(received.filter((r) => r.id === "evt_f1").length, 3);
});

test("forwarding: a target that never comes back leaves the event in the failed list; the retry call delivers it", async () => {
  const admin = { authorization: `Bearer ${ADMIN}` };
  plan.set("evt_dead", Array(50).fill(503));
  await deliver(envelope("evt_dead", "order.failed", "ord_dead"));
  let failed;
  await until(async () => {
    const res = await fetch(`${worker.url}/forwarding/failed`, { headers: admin });
    failed = (await res.json()).failed;
    return failed.some((f) => f.event_id === "evt_dead");
  }, "the dead letter in D1");
  const row = failed.find((f) => f.event_id === "evt_dead");
  assert.equal(row.type, "order.failed");
  assert.equal(row.order_id, "ord_dead");
  const attempts = received.filter((r) => r.id === "evt_dead").length;
  assert.equal(attempts, 9, "the first attempt and max_retries = 8");

  // Not for a token without forwarding.admin.
  assert.equal((await fetch(`${worker.url}/forwarding/failed`)).status, 401);
  assert.equal((await fetch(`${worker.url}/forwarding/failed`, { headers: { authorization: `Bearer ${READER}` } })).status, 403);
  assert.equal((await fetch(`${worker.url}/forwarding/failed/${row.id}/retry`, { method: "POST", headers: { authorization: `Bearer ${READER}` } })).status, 403);

  // Still down: the retry call says so and keeps the row.
  const stillDown = await fetch(`${worker.url}/forwarding/failed/${row.id}/retry`, { method: "POST", headers: admin });
  assert.equal(stillDown.status, 502);
  plan.set("evt_dead", []);
  const retried = await fetch(`${worker.url}/forwarding/failed/${row.id}/retry`, { method: "POST", headers: admin });
  assert.equal(retried.status, 200);
  assert.equal((await retried.json()).delivered, true);
  const last = received.filter((r) => r.id === "evt_dead").at(-1);
  assert.equal(verifyWebhook(last.body, last.headers, FORWARD_SECRET).id, "evt_dead");
  const after = (await (await fetch(`${worker.url}/forwarding/failed`, { headers: admin })).json()).failed;
  assert.ok(!after.some((f) => f.event_id === "evt_dead"), "removed once delivered");
  assert.equal((await fetch(`${worker.url}/forwarding/failed/${row.id}/retry`, { method: "POST", headers: admin })).status, 404);
});
