// The Worker's bounds (docs/contract.md#event-stream, docs/contract.md#forwarding), in workerd
// (wrangler dev --local) over real HTTP on 127.0.0.1:
//  - an order's stream is bounded (watchers per order and per token `sub`,
//    429 past either), and a watcher that never reads is dropped once it is a
//    bounded number of bytes behind, without delaying a watcher that reads;
//  - only a 2xx from the forwarding target is delivered (a 404 is retried),
//    and concurrent retries of one dead letter deliver it once;
//  - the forwarding admin routes refuse any request with an Origin header.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { connect } from "node:net";
import { mintBrowserToken, signWebhook } from "peeker-partner";
import { freePort, migrate, startWorker, tempDir } from "./wrangler.mjs";

const SECRET = "whsec_edge_bounds_5d2a";
const FORWARD_SECRET = "whsec_forward_bounds_8e41";
const TOKEN_SECRET = "proxy-token-secret-for-bounds-tests-0123456789";
const FRONTEND = "http://127.0.0.1:5174";
const exp = Math.floor(Date.now() / 1000) + 3600;
// Streams of orders no sub owns: the account-wide read scope where the package
// has it (events.readAll, an account scope), else events.read.
const reader = (sub) => {
  try {
    return mintBrowserToken(TOKEN_SECRET, { sub, scope: "events.read events.readAll", exp }, { accountScopes: true });
  } catch {
    return mintBrowserToken(TOKEN_SECRET, { sub, scope: "events.read", exp });
  }
};
const ADMIN = mintBrowserToken(TOKEN_SECRET, { sub: "usr_admin", scope: "forwarding.admin", exp }, { accountScopes: true });
const admin = { authorization: `Bearer ${ADMIN}` };

let worker, target;
// The forwarding target: answers by event id from `plan` (a list of statuses,
// then 200) after `delayMs`, and records every request.
const received = [];
const plan = new Map();
let delayMs = 0;
const sockets = new Set(); // raw connections opened by the tests, destroyed in after()

before(async () => {
  target = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const id = req.headers["peeker-event-id"];
      received.push(id);
      const statuses = plan.get(id) ?? [];
      const status = statuses.length ? statuses.shift() : 200;
      setTimeout(() => res.writeHead(status).end(), delayMs);
    });
  });
  const port = await freePort();
  await new Promise((r) => target.listen(port, "127.0.0.1", r));
  const persistTo = tempDir("peeker-worker-bounds-");
  await migrate(persistTo);
  worker = await startWorker({
    persistTo,
    vars: {
      PEEKER_WEBHOOK_SECRET: SECRET, PROXY_TOKEN_SECRET: TOKEN_SECRET, ALLOWED_ORIGINS: FRONTEND,
      FORWARD_URL: `http://127.0.0.1:${port}/hook`, FORWARD_SECRET, FORWARD_RETRY_SECONDS: "0",
    },
  });
});

after(async () => {
  for (const s of sockets) s.destroy();
  await worker?.stop();
  target?.close();
  target?.closeAllConnections?.();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const until = async (check, what, ms = 60_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
};

const envelope = (id, type, orderId, pad = "") =>
  JSON.stringify({ id, type, created_at: "2026-05-08T12:00:00Z", data: { id: orderId, status: type.slice(6), pad } });

async function deliver(body) {
  const res = await fetch(`${worker.url}/webhooks/peeker`, {
    method: "POST", headers: { "content-type": "application/json", ...signWebhook(body, SECRET) }, body,
  });
  assert.equal(res.status, 200, await res.text());
}

/** Opens a stream; returns the response (status checked by the caller) and an abort. */
async function open(orderId, sub) {
  const controller = new AbortController();
  const res = await fetch(`${worker.url}/events/stream?order_id=${orderId}`, {
    headers: { authorization: `Bearer ${reader(sub)}` }, signal: controller.signal,
  });
  return { res, close: () => { controller.abort(); res.body?.cancel().catch(() => {}); } };
}

/**
 * A watcher that connects and never reads: a raw socket, paused before the
 * first byte (the kernel's receive buffer stays small, so the server feels it).
 * `drain()` later reads what the server sent until it closes the connection
 * or `ms` pass: {bytes, frames, ended}.
 */
function stalled(orderId, sub) {
  const port = new URL(worker.url).port;
  const socket = connect({ host: "127.0.0.1", port: Number(port) });
  sockets.add(socket);
  socket.pause();
  socket.write(`GET /events/stream?order_id=${orderId} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`
    + `Authorization: Bearer ${reader(sub)}\r\nAccept: text/event-stream\r\n\r\n`);
  let ended = false;
  socket.once("close", () => (ended = true));
  socket.on("error", () => {});
  return {
    socket,
    drain: (ms) => new Promise((resolve) => {
      let bytes = 0, head = "", tail = "", frames = 0;
      const done = () => {
        clearTimeout(timer);
        resolve({ bytes, frames, ended, head: head.slice(0, 40) });
      };
      const timer = setTimeout(done, ms);
      socket.on("data", (d) => {
        bytes += d.length;
        // Count `id:` lines ending in this chunk; the bodies are not kept.
        const text = tail + d.toString("latin1");
        if (head.length < 64) head += text.slice(0, 64);
        for (const m of text.matchAll(/\nid: \d+\n/g)) if (m.index + m[0].length > tail.length) frames++;
        tail = text.slice(-32);
      });
      socket.once("close", () => { ended = true; done(); });
      socket.resume();
    }),
  };
}

/** SSE frames of a fetch response: `take(count)` reads until `count` more came: [{seq, at}]. */
function sse(res) {
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  return {
    async take(count, ms = 60_000) {
      const got = [];
      const deadline = setTimeout(() => reader.cancel().catch(() => {}), ms);
      try {
        while (got.length < count) {
          const { value, done } = await reader.read();
          if (done) break;
          text += value;
          let cut;
          while ((cut = text.indexOf("\n\n")) >= 0 && got.length < count) {
            const frame = text.slice(0, cut);
            text = text.slice(cut + 2);
            const id = /^id: (\d+)$/m.exec(frame)?.[1];
            if (id) got.push({ seq: Number(id), at: Date.now() });
          }
        }
      } finally {
        clearTimeout(deadline);
      }
      return got;
    },
  };
}

test("stream bounds: an order's streams are bounded per token sub and per order; past either, 429 rate_limited", async () => {
  const open1 = [];
  try {
    // 4 per sub: the fifth stream of one sub is refused, another sub is not.
    for (let i = 0; i < 4; i++) {
      const s = await open("ord_lim", "usr_tabs");
      open1.push(s);
      assert.equal(s.res.status, 200);
    }
    const fifth = await open("ord_lim", "usr_tabs");
    open1.push(fifth);
    assert.equal(fifth.res.status, 429, "a fifth stream of one sub on one order");
    assert.equal(fifth.res.headers.get("content-type"), "application/json");
    const body = await fifth.res.json();
    assert.equal(body.error.code, "rate_limited");
    assert.equal(typeof body.error.message, "string");
    assert.ok(Number.isInteger(body.error.details.retry_after_seconds) && body.error.details.retry_after_seconds > 0);
    assert.equal(fifth.res.headers.get("retry-after"), String(body.error.details.retry_after_seconds));
    // The limit is the order's: the same sub may watch another order.
    const other = await open("ord_lim_other", "usr_tabs");
    open1.push(other);
    assert.equal(other.res.status, 200);
    // 32 per order: 4 + 28 from other subs, then the 33rd is refused.
    for (let i = 0; i < 28; i++) {
      const s = await open("ord_lim", `usr_many_${i}`);
      open1.push(s);
      assert.equal(s.res.status, 200, `stream ${5 + i}`);
    }
    const over = await open("ord_lim", "usr_latecomer");
    open1.push(over);
    assert.equal(over.res.status, 429, "the 33rd stream of one order");
    assert.equal((await over.res.json()).error.code, "rate_limited");
    // A closed stream frees its place.
    open1[0].close();
    await until(async () => {
      const again = await open("ord_lim", "usr_tabs");
      open1.push(again);
      if (again.res.status === 429) again.close();
      return again.res.status === 200;
    }, "a place freed by a closed stream (found by the heartbeats)", 45_000);
  } finally {
    for (const s of open1) s.close();
  }
});

test("stream bounds: watchers that never read are dropped once stalled; a reading watcher is not delayed", async (t) => {
  // 40 events of ~900 KiB: about 35 MiB of history, more than what lies
  // between a paused socket and the Durable Object under wrangler dev (two
  // loopback TCP hops through a proxy workerd: up to ~15 MiB seen).
  const order = "ord_heavy";
  const HISTORY = 40;
  const pad = "x".repeat(900 * 1024);
  for (let i = 0; i < HISTORY; i++) await deliver(envelope(`evt_heavy_${i}`, "order.in_progress", order, pad));
  const stalledOnes = Array.from({ length: 8 }, (_, i) => stalled(order, `usr_stalled_${i}`));
  await sleep(2000); // they connect and their streams fill up

  const good = await open(order, "usr_good");
  try {
    assert.equal(good.res.status, 200);
    const stream = sse(good.res);
    assert.equal((await stream.take(HISTORY)).length, HISTORY, "the reading watcher gets the whole history");
    const sent = Date.now();
    await deliver(envelope("evt_heavy_live", "order.completed", order));
    const [live] = await stream.take(1, 30_000);
    assert.ok(live, "and the live event");
    const latency = live.at - sent;
    t.diagnostic(`live event to the reading watcher: ${latency} ms`);
    assert.ok(latency < 5000, `the live event reached the reading watcher after ${latency} ms`);
  } finally {
    good.close();
  }

  // Each stalled watcher is cut off once it took nothing for 20 s (having
  // been sent a bounded amount): reading now, it finds its connection closed
  // before the whole history (it would resume with Last-Event-ID).
  await sleep(30_000);
  const results = await Promise.all(stalledOnes.map((s) => s.drain(15_000)));
  t.diagnostic(`stalled watchers got ${results.map((r) => r.frames).join(", ")} frames`);
  for (const [i, r] of results.entries()) {
    assert.ok(r.head.startsWith("HTTP/1.1 200"), `stalled ${i} was answered 200: ${r.head}`);
    assert.ok(r.ended, `stalled ${i}: its connection was closed (got ${r.frames} frames, ${r.bytes} bytes)`);
    assert.ok(r.frames < HISTORY, `stalled ${i}: dropped before the whole history (${r.frames} frames)`);
  }
});

test("forwarding: a 404 from the forwarding target is not a delivery: the event is retried", async () => {
  plan.set("evt_404", [404, 404]);
  await deliver(envelope("evt_404", "order.completed", "ord_404"));
  await until(() => received.filter((id) => id === "evt_404").length >= 3, "the event retried after two 404s", 30_000);
  await sleep(1000);
  assert.equal(received.filter((id) => id === "evt_404").length, 3, "two 404s, then the 200 ends it");
});

test("forwarding: concurrent retries of one dead letter deliver it once; a failing retry keeps the row", async () => {
  plan.set("evt_dl", Array(9).fill(503));
  await deliver(envelope("evt_dl", "order.failed", "ord_dl"));
  let row;
  await until(async () => {
    const res = await fetch(`${worker.url}/forwarding/failed`, { headers: admin });
    row = (await res.json()).failed.find((f) => f.event_id === "evt_dl");
    return row;
  }, "the dead letter in D1");
  const retry = () => fetch(`${worker.url}/forwarding/failed/${row.id}/retry`, { method: "POST", headers: admin });

  // A failing retry puts the row back, under the same id.
  plan.set("evt_dl", [500]);
  const down = await retry();
  assert.equal(down.status, 502);
  assert.equal((await down.json()).delivered, false);
  const listed = (await (await fetch(`${worker.url}/forwarding/failed`, { headers: admin })).json()).failed;
  assert.ok(listed.some((f) => f.id === row.id && f.event_id === "evt_dl"), "kept, same id");

  // Ten at once, the target slow: one delivers, the others do not send.
  const before = received.filter((id) => id === "evt_dl").length;
  delayMs = 700;
  try {
    const answers = await Promise.all(Array.from({ length: 10 }, retry));
    const statuses = answers.map((r) => r.status);
    await Promise.all(answers.map((r) => r.arrayBuffer()));
    assert.equal(statuses.filter((s) => s === 200).length, 1, `one 200 among ${statuses}`);
    assert.ok(statuses.every((s) => s === 200 || s === 404 || s === 409), `${statuses}`);
  } finally {
    delayMs = 0;
  }
  await sleep(500);
  assert.equal(received.filter((id) => id === "evt_dl").length - before, 1, "sent to the target once");
  assert.equal((await retry()).status, 404, "gone from the list once delivered");
});

test("forwarding: the admin routes refuse any request with an Origin header", async () => {
  for (const origin of [FRONTEND, "http://evil.example", "null"]) {
    const list = await fetch(`${worker.url}/forwarding/failed`, { headers: { ...admin, origin } });
    assert.equal(list.status, 403, `GET with Origin ${origin}`);
    assert.equal((await list.json()).error.code, "forbidden");
    assert.equal(list.headers.get("access-control-allow-origin"), null);
    const retry = await fetch(`${worker.url}/forwarding/failed/1/retry`, { method: "POST", headers: { ...admin, origin } });
    assert.equal(retry.status, 403, `POST with Origin ${origin}`);
  }
  // A server (no Origin) is still judged by its token.
  assert.equal((await fetch(`${worker.url}/forwarding/failed`, { headers: admin })).status, 200);
});
