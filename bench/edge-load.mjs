// `cargo xtask load`, the edge part, on loopback, bounded, printed (never
// asserted on time):
//  - the stream: 200 watchers (watchEvents, 10 per order) while signed
//    deliveries run; every watcher must get every event of its order once and
//    in order; p50/p99 from the Worker's 200 to the watcher's onEvent.
//  - forwarding: a target down for its first 30 s, then up (every event
//    arrives; none twice after the receiver's dedupe); a target that never
//    comes back (every event in GET /forwarding/failed, then delivered by
//    POST /forwarding/failed/{id}/retry).
//
//   node bench/edge-load.mjs [--watchers 200] [--down 30]
import { createServer } from "node:http";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { mintBrowserToken, signWebhook, verifyWebhook, watchEvents } from "peeker-partner";
import { freePort, migrate, startWorker, tempDir } from "../tests/worker/wrangler.mjs";
import { printTable } from "./table.mjs";

const SECRET = "whsec_edge_load_1f2e";
const FORWARD_SECRET = "whsec_edge_load_forward_9c0d";
const TOKEN_SECRET = "edge-load-token-secret-0123456789abcdef";
const exp = Math.floor(Date.now() / 1000) + 3600;
const READER = mintBrowserToken(TOKEN_SECRET, { sub: "usr_load", scope: "events.read", exp });
const ADMIN = mintBrowserToken(TOKEN_SECRET, { sub: "usr_load", scope: "forwarding.admin", exp });
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

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const rows = [
    ...(await streamRows({ watchers: arg("watchers", 200) })),
    ...(await forwardRows({ downSeconds: arg("down", 30) })),
  ];
  printTable(rows, ["measure", "value", "peer", "goal", "ok"]);
  console.log(`\nNode ${process.version}, wrangler dev --local (workerd), loopback, ${new Date().toISOString()}`);
}
