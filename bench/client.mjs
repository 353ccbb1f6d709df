// PeekerClient benchmarks against a peeker-sandbox on 127.0.0.1:
//   - per-request overhead: client.me() vs plain fetch of GET /me (medians);
//   - bulk availability throughput as a share of the client's rate budget;
//   - the package wasm size with the client (gzip -9).
// `export async function clientRows()` returns rows shaped like bench/run.mjs's
// ({measure, value, peer, ratio, goal, ok}); `node bench/client.mjs` prints them.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { PeekerClient } from "peeker-partner";
import { startSandbox, ROOT } from "../tests/client/harness.mjs";

const KEY = "pk_test_bench_key";

async function medianPerCall(fn, { batch = 100, rounds = 20 } = {}) {
  for (let i = 0; i < batch; i++) await fn();
  const samples = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) await fn();
    samples.push(Number(process.hrtime.bigint() - start) / batch);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

export async function clientRows() {
  const rows = [];
  const row = (measure, value, peer = "", ratio = "", goal = "", ok = "") => rows.push({ measure, value, peer, ratio, goal, ok });
  // A release sandbox: a debug one takes about 10 ms per availability call of
  // 50 names, as long as the budget's interval, and would be what is timed.
  const sb = await startSandbox({ rateLimit: 10_000_000, timeScale: 0.01, extra: ["--quiet"], profile: "release" });
  try {
    // 1. Overhead: 2,000 GET /me each (20 rounds of 100), interleaved.
    const client = new PeekerClient({ apiKey: KEY, baseUrl: sb.base, rateLimitPerMinute: 0 });
    const url = `${sb.base}/me`;
    const plain = async () => {
      const res = await fetch(url, { headers: { authorization: `Bearer ${KEY}`, accept: "application/json" } });
      if (!res.ok) throw new Error(String(res.status));
      return res.json();
    };
    const viaClient = () => client.me();
    let tPlain = Infinity;
    let tClient = Infinity;
    for (let i = 0; i < 3; i++) {
      tPlain = Math.min(tPlain, await medianPerCall(plain));
      tClient = Math.min(tClient, await medianPerCall(viaClient));
    }
    const ratio = tClient / tPlain;
    row("client.me() vs fetch GET /me (median)", `${(tClient / 1000).toFixed(0)} µs`, `fetch ${(tPlain / 1000).toFixed(0)} µs`,
      `${ratio.toFixed(2)}×`, "≤ 1.2×", ratio <= 1.2 ? "yes" : "NO");

    // 2. Throughput: 10,000 names (200 calls) at a budget of 6,000 calls/min.
    const perMinute = 6000;
    const bulk = new PeekerClient({ apiKey: KEY, baseUrl: sb.base, rateLimitPerMinute: perMinute, maxRetries: 0 });
    const names = Array.from({ length: 10_000 }, (_, i) => `bench-${i}.com`);
    const t0 = performance.now();
    const out = await bulk.domains.availability(names);
    const seconds = (performance.now() - t0) / 1000;
    if (out.length !== names.length) throw new Error("availability lost rows");
    const calls = Math.ceil(names.length / 50);
    // The first call needs no token wait: (calls - 1) intervals at the budget.
    const ideal = ((calls - 1) * 60) / perMinute;
    const share = ideal / seconds;
    row("domains.availability, 10,000 names (200 calls)", `${seconds.toFixed(2)} s`, `budget ${perMinute}/min: ${ideal.toFixed(2)} s`,
      `${(share * 100).toFixed(1)} %`, "≥ 95 %", share >= 0.95 ? "yes" : "NO");
  } finally {
    await sb.stop();
  }

  // 3. Size.
  const wasm = readFileSync(`${ROOT}/pkg/peeker_partner_bg.wasm`);
  const gz = gzipSync(wasm, { level: 9 }).length;
  row("package wasm with the client (gzip -9)", `${(gz / 1024).toFixed(1)} KB`, `raw ${(wasm.length / 1024).toFixed(1)} KB`, "",
    "≤ 150 KB", gz <= 150 * 1024 ? "yes" : "NO");
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await clientRows();
  for (const r of rows) console.log(`${r.measure} | ${r.value} | ${r.peer} | ${r.ratio} | goal ${r.goal} | ${r.ok}`);
}
