// `cargo xtask load`, the edge part, on loopback, bounded, printed (never
// asserted on time):
//  - the stream: 200 watchers (watchEvents, 10 per order) while signed
//    deliveries run; every watcher must get every event of its order once and
//    in order; p50/p99 from the Worker's 200 to the watcher's onEvent.
//  - forwarding: a target down for its first 30 s, then up (every event
//    arrives; none twice after the receiver's dedupe); a target that never
//    comes back (every event in GET /forwarding/failed, then delivered by
//    POST /forwarding/failed/{id}/retry).
//  - stalled watchers: an order with 8 events of ~900 KiB, one watcher that
//    reads, then a few hundred that connect and never read (each its own
//    token sub: the worst case for the per-order limit); then live events.
//    Prints workerd's RSS growth, the reading watcher's latency, how many
//    stalled ones were admitted / refused (429) / cut off, and the sockets
//    left in CLOSE-WAIT once they are gone. Bounded: --stalled sockets,
//    about a minute.
//
//   node bench/edge-load.mjs [--watchers 200] [--down 30] [--stalled 300] [--only stalled]
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { connect } from "node:net";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { mintBrowserToken, signWebhook, verifyWebhook, watchEvents } from "peeker-partner";
import { freePort, migrate, startWorker, tempDir } from "../tests/worker/wrangler.mjs";
import { printTable } from "./table.mjs";

const SECRET = "whsec_edge_load_1f2e";
const FORWARD_SECRET = "whsec_edge_load_forward_9c0d";
const TOKEN_SECRET = "edge-load-token-secret-0123456789abcdef";
const exp = Math.floor(Date.now() / 1000) + 3600;
// Account scopes (the whole account's events; dead letters): the load is the point here.
const account = (sub, scope) => mintBrowserToken(TOKEN_SECRET, { sub, scope, exp }, { accountScopes: true });
const READER = account("usr_load", "events.readAll");
const ADMIN = account("usr_load", "forwarding.admin");
const ms = (v) => `${v.toFixed(1)} ms`;
const pct = (xs, p) => xs.length ? xs[Math.min(xs.length - 1, Math.floor(xs.length * p))] : NaN;
const sleep = (t) => new Promise((r) => setTimeout(r, t));

const envelope = (id, type, orderId) =>
  JSON.stringify({ id, type, created_at: new Date().toISOString(), data: { id: orderId, status: type.slice(6) } });

async function worker(vars) {
  const persistTo = tempDir("peeker-edge-load-");
  await migrate(persistTo);
  return startWorker({ persistTo, vars: { PEEKER_WEBHOOK_SECRET: SECRET, PROXY_TOKEN_SECRET: TOKEN_SECRET, ...vars } });
}

async function deliver(w, body) {
  const res = await fetch(`${w.url}/webhooks/peeker`, {
    method: "POST", headers: { "content-type": "application/json", ...signWebhook(body, SECRET) }, body,
  });
  await res.arrayBuffer();
  return res.status;
}

/** A forwarding target: `up()` decides its answer; dedupes by event id. */
async function target(up) {
  const raw = [];
  const unique = new Map();
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const ok = up();
      raw.push({ id: req.headers["peeker-event-id"], ok });
      if (ok) {
        try {
          const event = verifyWebhook(body, req.headers, FORWARD_SECRET);
          unique.set(event.id, (unique.get(event.id) ?? 0) + 1);
        } catch {
          raw.at(-1).bad = true;
        }
      }
      res.writeHead(ok ? 200 : 503).end();
    });
  });
  const port = await freePort();
  await new Promise((r) => server.listen(port, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${port}/hook`, raw, unique, close: () => server.close() };
}

export async function streamRows({ watchers = 200, perOrder = 10, eventsPerOrder = 10, concurrency = 8 } = {}) {
  const w = await worker({});
  try {
    const orders = Math.ceil(watchers / perOrder);
    const answeredAt = new Map(); // event id → when the Worker answered 200
    const controllers = [];
    const results = [];
    const watching = Array.from({ length: watchers }, (_, i) => {
      const orderId = `ord_load_${i % orders}`;
      const got = [];
      results.push({ orderId, got });
      const controller = new AbortController();
      controllers.push(controller);
      return watchEvents(w.url, {
        token: READER, orderId, signal: controller.signal,
        onEvent: (event, { id }) => {
          got.push({ id: event.id, seq: id, at: performance.now() });
          if (got.length === eventsPerOrder) controller.abort();
        },
      }).catch((e) => got.push({ error: String(e) }));
    });
    await sleep(2000); // the watchers connect (each one resumes from D1 anyway)
    const queue = [];
    for (let n = 0; n < eventsPerOrder; n++) {
      for (let o = 0; o < orders; o++) queue.push(envelope(`evt_load_${o}_${n}`, "order.in_progress", `ord_load_${o}`));
    }
    let failed = 0;
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, async () => {
      for (let body = queue.shift(); body; body = queue.shift()) {
        const status = await deliver(w, body);
        if (status === 200) answeredAt.set(JSON.parse(body).id, performance.now());
        else failed++;
      }
    }));
    const sent = performance.now() - started;
    await Promise.race([Promise.all(watching), sleep(60_000)]);
    controllers.forEach((c) => c.abort());

    const latencies = [];
    let complete = 0, doubled = 0, outOfOrder = 0, missing = 0;
    for (const { orderId, got } of results) {
      const ids = got.map((g) => g.id);
      const expected = Array.from({ length: eventsPerOrder }, (_, n) => `evt_load_${orderId.split("_").at(-1)}_${n}`);
      if (new Set(ids).size !== ids.length) doubled++;
      if (got.some((g, i) => i > 0 && g.seq <= got[i - 1].seq)) outOfOrder++;
      missing += expected.filter((id) => !ids.includes(id)).length;
      if (expected.every((id) => ids.includes(id))) complete++;
      for (const g of got) if (answeredAt.has(g.id)) latencies.push(Math.max(0, g.at - answeredAt.get(g.id)));
    }
    latencies.sort((a, b) => a - b);
    const total = orders * eventsPerOrder;
    return [
      { measure: `stream: ${watchers} watchers, ${orders} orders, ${total} deliveries`, value: `${complete}/${watchers} complete`,
        peer: `sent in ${(sent / 1000).toFixed(1)} s, ${failed} non-200`, ratio: "", goal: "all complete", ok: complete === watchers ? "yes" : "NO" },
      { measure: "stream: events missing / watchers with a repeat / out of order", value: `${missing} / ${doubled} / ${outOfOrder}`,
        peer: "", ratio: "", goal: "0 / 0 / 0", ok: missing + doubled + outOfOrder === 0 ? "yes" : "NO" },
      { measure: "stream: Worker's 200 → watcher's onEvent, p50 / p99", value: `${ms(pct(latencies, 0.5))} / ${ms(pct(latencies, 0.99))}`,
        peer: `${latencies.length} receipts`, ratio: "", goal: "", ok: "" },
    ];
  } finally {
    await w.stop();
  }
}

export async function forwardRows({ events = 50, downSeconds = 30 } = {}) {
  const rows = [];
  // A target down for its first `downSeconds`, then up.
  {
    let upAt = Infinity;
    const t = await target(() => performance.now() >= upAt);
    const w = await worker({ FORWARD_URL: t.url, FORWARD_SECRET, FORWARD_RETRY_SECONDS: "1" });
    try {
      upAt = performance.now() + downSeconds * 1000;
      for (let i = 0; i < events; i++) await deliver(w, envelope(`evt_fwd_${i}`, "order.in_progress", `ord_fwd_${i % 5}`));
      const deadline = performance.now() + (downSeconds + 120) * 1000;
      while (t.unique.size < events && performance.now() < deadline) await sleep(500);
      const arrived = performance.now() - upAt;
      const twice = [...t.unique.values()].filter((n) => n > 1).length;
      rows.push({ measure: `forwarding: target down ${downSeconds} s then up, ${events} events`, value: `${t.unique.size}/${events} arrived`,
        peer: `last ${(arrived / 1000).toFixed(1)} s after it came up; ${t.raw.length} attempts`, ratio: "",
        goal: "all", ok: t.unique.size === events ? "yes" : "NO" });
      rows.push({ measure: "forwarding: delivered twice to the target (before / after its dedupe)", value: `${twice} / 0`,
        peer: `bad signatures ${t.raw.filter((r) => r.bad).length}`, ratio: "", goal: "", ok: "" });
    } finally {
      await w.stop();
      t.close();
    }
  }
  // A target that never comes back, until the retry calls.
  {
    let up = false;
    const t = await target(() => up);
    const w = await worker({ FORWARD_URL: t.url, FORWARD_SECRET, FORWARD_RETRY_SECONDS: "0" });
    try {
      const n = Math.min(events, 20);
      for (let i = 0; i < n; i++) await deliver(w, envelope(`evt_dead_${i}`, "order.failed", `ord_dead_${i}`));
      const admin = { authorization: `Bearer ${ADMIN}` };
      let failed = [];
      const deadline = performance.now() + 120_000;
      while (failed.length < n && performance.now() < deadline) {
        await sleep(500);
        failed = (await (await fetch(`${w.url}/forwarding/failed`, { headers: admin })).json()).failed;
      }
      up = true;
      let retried = 0;
      for (const f of failed) {
        const res = await fetch(`${w.url}/forwarding/failed/${f.id}/retry`, { method: "POST", headers: admin });
        if (res.status === 200) retried++;
      }
      const left = (await (await fetch(`${w.url}/forwarding/failed`, { headers: admin })).json()).failed.length;
      rows.push({ measure: `forwarding: target never back, ${n} events`, value: `${failed.length}/${n} in the failed list`,
        peer: `${t.raw.length} attempts before`, ratio: "", goal: "all", ok: failed.length === n ? "yes" : "NO" });
      rows.push({ measure: "forwarding: then delivered by the retry call", value: `${retried}/${failed.length}`,
        peer: `${left} left in the list; ${t.unique.size} unique at the target`, ratio: "", goal: "all", ok: retried === n && left === 0 ? "yes" : "NO" });
    } finally {
      await w.stop();
      t.close();
    }
  }
  return rows;
}

/** workerd's resident memory (KiB) in the process group of `w` (wrangler dev). */
function workerdRss(w) {
  let total = 0;
  for (const line of execFileSync("ps", ["-o", "pid=,comm=", "-g", String(w.pid)], { encoding: "utf8" }).split("\n")) {
    const [pid, comm] = line.trim().split(/\s+/);
    if (comm !== "workerd") continue;
    try {
      total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {}
  }
  return total;
}

/** Sockets of the Worker's port in CLOSE-WAIT (the peer left, workerd did not close). */
function closeWait(w) {
  const port = new URL(w.url).port;
  try {
    const out = execFileSync("ss", ["-Htn", "state", "close-wait", `( sport = :${port} )`], { encoding: "utf8" });
    return out.split("\n").filter(Boolean).length;
  } catch {
    return NaN;
  }
}

/** A watcher that connects and never reads (paused before the first byte). */
function stalledWatcher(w, orderId, token) {
  const { port } = new URL(w.url);
  const socket = connect({ host: "127.0.0.1", port: Number(port) });
  socket.pause();
  socket.on("error", () => {});
  socket.write(`GET /events/stream?order_id=${orderId} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`
    + `Authorization: Bearer ${token}\r\nAccept: text/event-stream\r\n\r\n`);
  return {
    socket,
    /** Reads for up to `ms`: {status, frames, ended} (ended: the server closed it). */
    drain: (ms) => new Promise((resolve) => {
      let head = "", tail = "", frames = 0, ended = false;
      const done = () => {
        clearTimeout(timer);
        resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), frames, ended });
      };
      const timer = setTimeout(done, ms);
      socket.on("data", (d) => {
        // Count `id:` lines that end in this chunk (the bodies are big: not kept).
        const text = tail + d.toString("latin1");
        if (head.length < 64) head += text.slice(0, 64);
        for (const m of text.matchAll(/\nid: \d+\n/g)) if (m.index + m[0].length > tail.length) frames++;
        tail = text.slice(-32);
      });
      socket.once("end", () => { ended = true; done(); });
      socket.once("close", () => { ended = true; done(); });
      socket.resume();
    }),
  };
}

export async function stalledRows({ stalled = 300, events = 8, kib = 900, live = 5, holdSeconds = 50 } = {}) {
  const w = await worker({});
  const orderId = "ord_stalled";
  const sockets = [];
  // The reading watcher's connections (watchEvents reconnects by itself): statuses seen.
  const realFetch = globalThis.fetch;
  const connections = [];
  globalThis.fetch = (url, init) => {
    const call = realFetch(url, init);
    if (String(url).includes("/events/stream")) call.then((r) => connections.push(r.status), () => connections.push(0));
    return call;
  };
  try {
    const pad = "x".repeat(kib * 1024);
    for (let i = 0; i < events; i++) {
      await deliver(w, JSON.stringify({ id: `evt_big_${i}`, type: "order.in_progress", created_at: new Date().toISOString(),
        data: { id: orderId, status: "in_progress", pad } }));
    }
    // The reading watcher first (it holds a place), then the stalled crowd.
    const goodToken = account("usr_good", "events.readAll");
    const arrived = new Map(); // event id → when the reading watcher got it
    const controller = new AbortController();
    const watching = watchEvents(w.url, {
      token: goodToken, orderId, signal: controller.signal,
      onEvent: (event) => { arrived.set(event.id, performance.now()); },
    }).catch(() => {});
    const historyStart = performance.now();
    while (arrived.size < events && performance.now() - historyStart < 60_000) await sleep(50);
    const history = performance.now() - historyStart;
    await sleep(1000);
    const rss0 = workerdRss(w); // the history stored and read once

    let peak = workerdRss(w);
    const sampler = setInterval(() => { peak = Math.max(peak, workerdRss(w)); }, 250);
    for (let i = 0; i < stalled; i++) {
      sockets.push(stalledWatcher(w, orderId, account(`usr_stalled_${i}`, "events.readAll")));
      if (i % 50 === 49) await sleep(100);
    }
    await sleep(3000); // they are answered and their streams fill up

    const latencies = [];
    for (let i = 0; i < live; i++) {
      const id = `evt_live_${i}`;
      const sent = performance.now();
      await deliver(w, JSON.stringify({ id, type: "order.in_progress", created_at: new Date().toISOString(), data: { id: orderId, status: "in_progress" } }));
      while (!arrived.has(id) && performance.now() - sent < 30_000) await sleep(5);
      latencies.push(arrived.has(id) ? arrived.get(id) - sent : Infinity);
      await sleep(500);
    }
    // Hold the crowd a while (a stream that took nothing for 30 s while
    // bytes waited is dropped at a heartbeat), then read what each one got.
    await sleep(Math.max(0, holdSeconds * 1000 - live * 500));
    const rssHeld = workerdRss(w);
    clearInterval(sampler);
    const drained = await Promise.all(sockets.map((s) => s.drain(5000)));
    controller.abort();
    await watching;
    for (const s of sockets) s.socket.destroy();
    // workerd finds a closed connection when it next writes to it (the 15 s heartbeats).
    const leftAt = performance.now();
    let leftInCloseWait = closeWait(w);
    const closeWaitAt3s = (await sleep(3000), closeWait(w));
    while ((leftInCloseWait = closeWait(w)) > 0 && performance.now() - leftAt < 40_000) await sleep(1000);
    const closeWaitGone = performance.now() - leftAt;
    const admitted = drained.filter((d) => d.status === 200);
    const refused = drained.filter((d) => d.status === 429).length;
    const cut = admitted.filter((d) => d.ended && d.frames < events).length;
    latencies.sort((a, b) => a - b);
    const mib = (k) => `${(k / 1024).toFixed(0)} MiB`;
    return [
      { measure: `stalled: ${stalled} watchers that never read, ${events} events of ${kib} KiB`, value: `${admitted.length} admitted / ${refused} refused 429`,
        peer: `${cut} of the admitted cut off before the whole history`, ratio: "", goal: "bounded", ok: admitted.length <= 32 ? "yes" : "NO" },
      { measure: "stalled: workerd RSS, history read → peak (held after the crowd)", value: `${mib(rss0)} → ${mib(peak)} (+${mib(peak - rss0)})`,
        peer: `${mib(rssHeld)} after ${holdSeconds} s`, ratio: "", goal: "", ok: "" },
      { measure: "stalled: the reading watcher, live event → onEvent, p50 / max", value: `${ms(pct(latencies, 0.5))} / ${ms(latencies.at(-1))}`,
        peer: `history (${events} events) in ${ms(history)}; its connections: ${connections.join(" ")}`, ratio: "", goal: "< 1 s", ok: latencies.at(-1) < 1000 ? "yes" : "NO" },
      { measure: "stalled: sockets in CLOSE-WAIT after the crowd left: at 3 s / at the end", value: `${closeWaitAt3s} / ${leftInCloseWait}`,
        peer: `the end: ${(closeWaitGone / 1000).toFixed(0)} s (at most 40)`, ratio: "", goal: "0 at the end", ok: leftInCloseWait === 0 ? "yes" : "NO" },
    ];
  } finally {
    globalThis.fetch = realFetch;
    for (const s of sockets) s.socket.destroy();
    await w.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;
  const rows = [
    ...(!only || only === "stream" ? await streamRows({ watchers: arg("watchers", 200) }) : []),
    ...(!only || only === "stalled" ? await stalledRows({ stalled: arg("stalled", 300) }) : []),
    ...(!only || only === "forwarding" ? await forwardRows({ downSeconds: arg("down", 30) }) : []),
  ];
  printTable(rows, ["measure", "value", "peer", "goal", "ok"]);
  console.log(`\nNode ${process.version}, wrangler dev --local (workerd), loopback, ${new Date().toISOString()}`);
}
