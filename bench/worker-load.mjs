// Load on the webhook Worker (worker/) in workerd via `wrangler dev --local`,
// over loopback: signed ~1 KB deliveries (an order receipt with 20 domains) for a fixed time at bounded
// concurrency, each a new event plus ~5 % redeliveries of events already sent
// (some still in flight). Then /events must hold every new event exactly once.
//
//   node bench/worker-load.mjs [--seconds 10] [--concurrency 16]
//
// Also importable: `workerLoadRows(options)` returns rows shaped like
// bench/run.mjs's ({measure, value, peer, ratio, goal, ok}).
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { mintBrowserToken, signWebhook } from "peeker-partner";
import { migrate, startWorker, tempDir, wrangler } from "../tests/worker/wrangler.mjs";
import { printTable } from "./table.mjs";

const SECRET = "whsec_bench_5f0c";
const TOKEN_SECRET = "bench-proxy-token-secret-0123456789abcdef";
const TOKEN = mintBrowserToken(TOKEN_SECRET, { sub: "usr_bench", scope: "events.readAll",
  exp: Math.floor(Date.now() / 1000) + 3600 }, { accountScopes: true });

function body(n) {
  const domains = Array.from({ length: 20 }, (_, i) => `acme-mail-${n}-${i}.com`);
  return JSON.stringify({
    id: `evt_bench_${String(n).padStart(8, "0")}`,
    type: "order.in_progress",
    created_at: new Date().toISOString(),
    data: {
      id: `ord_bench_${n % 100}`,
      status: "in_progress",
      user_id: "usr_01HZX0US1A2B3C4D5E6F7G8H",
      bundle_id: "bun_01HZX0BU1A2B3C4D5E6F7G8H",
      domains,
      personas: [
        { first_name: "Sam", last_name: "Lee", profile_picture_url: null },
        { first_name: "Jane", last_name: "Doe", profile_picture_url: "https://cdn.acme.com/jane.jpg" },
      ],
      forwarding_url: "https://acme.com",
      google_licenses: 12,
      microsoft_licenses: 4,
      created_at: "2026-05-08T12:00:00Z",
    },
  });
}

/** Sends requests from `concurrency` loops for `seconds`; returns latencies. */
async function load(seconds, concurrency, next) {
  const latencies = [];
  let errors = 0;
  const statuses = {};
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < end) {
      const { url, init, expect } = next(); // signing is not timed
      const t = performance.now();
      try {
        const res = await fetch(url, init);
        await res.arrayBuffer();
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status !== expect) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t);
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))];
  return { count: latencies.length, rps: latencies.length / elapsed, p50: pct(0.5), p99: pct(0.99),
    max: latencies.at(-1), errors, statuses };
}

async function storedIds(worker) {
  const ids = [];
  for (let after = 0; ;) {
    const res = await fetch(`${worker.url}/events?limit=500&after=${after}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    if (res.status !== 200) throw new Error(`/events answered ${res.status}`);
    const page = await res.json();
    ids.push(...page.events.map((e) => e.id));
    if (!page.has_more) return ids;
    after = page.next_after;
  }
}

/** What `wrangler deploy` would upload (bundled JS + wasm), built offline. */
async function uploadSize() {
  const out = await wrangler(["deploy", "--dry-run", "--outdir", tempDir("peeker-worker-dry-")]);
  const m = out.match(/Total Upload: ([\d.]+ KiB) \/ gzip: ([\d.]+ KiB)/);
  return m ? { raw: m[1], gzip: m[2], gzipKiB: Number.parseFloat(m[2]) } : null;
}

export async function workerLoadRows({ seconds = 10, concurrency = 16, floorSeconds = 3 } = {}) {
  const size = await uploadSize();
  const persistTo = tempDir("peeker-worker-bench-");
  await migrate(persistTo);
  const worker = await startWorker({
    persistTo,
    vars: { PEEKER_WEBHOOK_SECRET: SECRET, PROXY_TOKEN_SECRET: TOKEN_SECRET, FORWARD_URL: "" },
  });
  try {
    // Peer on the same server and client: a 404 from the same Worker is the
    // floor (loopback, wrangler's proxy, workerd, routing), without verify or D1.
    const floor = await load(floorSeconds, concurrency, () => ({ url: `${worker.url}/nope`, init: {}, expect: 404 }));

    const sent = []; // bodies of the new events, in send order
    let duplicates = 0;
    let bytes = 0;
    const url = `${worker.url}/webhooks/peeker`;
    const run = await load(seconds, concurrency, () => {
      let payload;
      if (sent.length > 20 && Math.random() < 0.05) {
        payload = sent[Math.floor(Math.random() * sent.length)]; // a redelivery, signed anew
        duplicates++;
      } else {
        payload = body(sent.length);
        sent.push(payload);
      }
      bytes += payload.length;
      const headers = { "content-type": "application/json", ...signWebhook(payload, SECRET) };
      return { url, init: { method: "POST", headers, body: payload }, expect: 200 };
    });

    const ids = await storedIds(worker);
    const stored = new Set(ids);
    const expected = new Set(sent.map((b) => JSON.parse(b).id));
    const lost = [...expected].filter((id) => !stored.has(id)).length;
    const doubled = ids.length - stored.size;
    const unknown = [...stored].filter((id) => !expected.has(id)).length;
    const ms = (v) => `${v.toFixed(1)} ms`;
    const yes = (ok) => (ok ? "yes" : "NO");
    const rows = [
      { measure: `Worker load: deliveries/s (${seconds} s, ${concurrency} concurrent)`, value: run.rps.toFixed(0),
        peer: `404 floor ${floor.rps.toFixed(0)}/s`, ratio: `${(run.rps / floor.rps).toFixed(2)}×`, goal: "", ok: "" },
      { measure: "Worker load: latency p50", value: ms(run.p50), peer: `404 floor ${ms(floor.p50)}`,
        ratio: `${(run.p50 / floor.p50).toFixed(1)}×`, goal: "", ok: "" },
      { measure: "Worker load: latency p99", value: ms(run.p99), peer: `404 floor ${ms(floor.p99)}`,
        ratio: `${(run.p99 / floor.p99).toFixed(1)}×`, goal: "", ok: "" },
      { measure: "Worker load: requests (new + redeliveries)", value: `${run.count} (${sent.length} + ${duplicates})`,
        peer: `avg body ${(bytes / Math.max(1, run.count) / 1024).toFixed(2)} KB`, ratio: "", goal: "", ok: "" },
      { measure: "Worker load: errors (non-200 or failed)", value: `${run.errors}`, peer: JSON.stringify(run.statuses),
        ratio: "", goal: "0", ok: yes(run.errors === 0) },
      { measure: "Worker load: events stored / new events sent", value: `${stored.size} / ${expected.size}`,
        peer: "", ratio: "", goal: "equal", ok: yes(stored.size === expected.size && unknown === 0) },
      { measure: "Worker load: lost / doubled events", value: `${lost} / ${doubled}`, peer: "", ratio: "",
        goal: "0 / 0", ok: yes(lost === 0 && doubled === 0) },
    ];
    if (size) {
      rows.unshift({ measure: "Worker upload (wrangler deploy --dry-run, raw / gzip)", value: `${size.raw} / ${size.gzip}`,
        peer: "", ratio: "", goal: "≤ 3 MiB gzip (free plan)", ok: yes(size.gzipKiB <= 3072) });
    }
    // The floor run must not have failed either, or its numbers mean nothing.
    if (floor.errors) rows.push({ measure: "Worker load: 404 floor errors", value: `${floor.errors}`,
      peer: "", ratio: "", goal: "0", ok: "NO" });
    return rows;
  } finally {
    await worker.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const rows = await workerLoadRows({ seconds: arg("seconds", 10), concurrency: arg("concurrency", 16) });
  printTable(rows);
  console.log(`\nNode ${process.version}, wrangler dev --local (workerd), loopback, ${new Date().toISOString()}`);
  if (rows.some((r) => r.ok === "NO")) process.exitCode = 1;
}
