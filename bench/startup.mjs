// `cargo xtask bench`, the start-up part: each browser entry bundled by
// esbuild into a page that calls one function at load, served gzip-compressed
// from loopback, loaded in headless Chromium with the CPU throttled 4× and a
// 10 Mbit/s, 40 ms network; cold (a fresh context) and warm (cached), medians
// of 15 loads, every page interleaved in each round. What a page adds over the
// page without the SDK is the median of the differences between a warm load
// of each made back to back, so a slow moment of the machine counts against
// both pages alike.
//
// Each entry is loaded as the package builds it ("built") and as it would
// load with each other way of loading its wasm, made here from the same
// pkg/ files; the table shows which one the build should ship.
//
//   node bench/startup.mjs          prints the table
//   import { startupRows }          rows for bench/run.mjs
import { createServer } from "node:http";
import { mkdirSync, readFileSync, writeFileSync, copyFileSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { signWebhook } from "peeker-partner/webhooks";
import { launch, ROOT } from "../tests/browser/harness.mjs";
import { printTable } from "./table.mjs";

const PKG = join(ROOT, "pkg");
const LOADS = 15;

// The entries: what the page imports, the wasm stem and the one call it makes.
const ORDER = {
  user: "client@example.com", bundle_id: "bun_01HZX0BU1A2B3C4D5E6F7G8H",
  sequencer: { provider: "smartlead", client_id: 366903, login_email: "ops@acme.com", login_password: "pw" },
  forwarding_url: "https://acme.com", domains: ["acme-mail-1.com", "acme-mail-2.com"],
  personas: [{ first_name: "Ada", last_name: "Lee", profile_picture_url: "" }],
};
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const NOW = 1_780_000_000;
const BODY = JSON.stringify({ id: "evt_01HZX0EV1A2B3C4D5E6F7G8H", object: "event", type: "order.completed", created_at: "2026-05-08T12:00:00Z", data: { object: {} } });
const HEADERS = { "peeker-event-id": "evt_01HZX0EV1A2B3C4D5E6F7G8H", ...signWebhook(BODY, SECRET, { timestamp: NOW }) };

const PAGES = [
  { page: "no SDK", expr: `JSON.parse(JSON.stringify(${JSON.stringify(ORDER)})).user` },
  { page: "peeker-partner/webhooks", entry: "webhooks", stem: "peeker_webhooks", target: 30, fn: "verifyWebhook",
    expr: `verifyWebhook(${JSON.stringify(BODY)}, ${JSON.stringify(HEADERS)}, "${SECRET}", { now: ${NOW} }).type` },
  { page: "peeker-partner/validate", entry: "validate", stem: "peeker_validate", target: 40, fn: "validateOrder",
    expr: `validateOrder(${JSON.stringify(ORDER)}).length` },
  { page: "peeker-partner", entry: "index", stem: "peeker_partner", target: 80, fn: "validateOrder",
    expr: `validateOrder(${JSON.stringify(ORDER)}).length` },
];

// Ways of loading the wasm. Each replaces the browser tail's loading lines
// (pkg-template/auto-init/browser.js) with its own; "built" keeps them. The
// inlined copies are made here from pkg/'s .wasm, so each way is measured
// whatever the build ships.
const base64 = `const __peeker_base64 = (text) => {
  if (Uint8Array.fromBase64) return Uint8Array.fromBase64(text);
  const chars = atob(text), bytes = new Uint8Array(chars.length);
  for (let i = 0; i < chars.length; i++) bytes[i] = chars.charCodeAt(i);
  return bytes;
};`;
const lazily = (module) => `wasm = new Proxy({}, { get(_, key) { wasm = undefined; initSync({ module: ${module} }); return wasm[key]; } });`;
const unlzma = `import { unlzma as __peeker_unlzma } from "${join(ROOT, "bench/unlzma.js")}";`;
const STRATEGIES = {
  built: null,
  "LZMA inline": ({ lzma }) => `import __peeker_wasm from "${lzma}";\n${unlzma}\n${base64}
initSync({ module: __peeker_unlzma(__peeker_base64(__peeker_wasm)) });`,
  "LZMA inline, lazy": ({ lzma }) => `import __peeker_wasm from "${lzma}";\n${unlzma}\n${base64}
${lazily("__peeker_unlzma(__peeker_base64(__peeker_wasm))")}`,
  "base64 inline": ({ raw }) => `import __peeker_wasm from "${raw}";\n${base64}
initSync({ module: __peeker_base64(__peeker_wasm) });`,
  "base64 inline, lazy": ({ raw }) => `import __peeker_wasm from "${raw}";\n${base64}
${lazily("__peeker_base64(__peeker_wasm)")}`,
  "base64 inline, async compile": ({ raw }) => `import __peeker_wasm from "${raw}";\n${base64}
await __wbg_init({ module_or_path: __peeker_base64(__peeker_wasm) });`,
  ".wasm asset, streaming": ({ stem }) =>
    `await __wbg_init({ module_or_path: new URL("./${stem}_bg.wasm", import.meta.url) });`,
};
// From the inlined module's import to the tail's first export.
const LOADING = /import __peeker_wasm from [\s\S]*?(?=^export )/m;

/**
 * `wasm` as bench/unlzma.js reads it: the properties byte and the size
 * (u32, little-endian), then xz's raw LZMA1 stream, as the build writes it.
 */
function lzma(wasm) {
  const dict = 2 ** Math.max(12, Math.ceil(Math.log2(wasm.length)));
  const stream = execFileSync("xz", ["--format=raw", `--lzma1=preset=9e,dict=${dict},nice=273`, "-c"], { input: wasm, maxBuffer: 1 << 26 });
  const header = Buffer.alloc(5);
  header[0] = (2 * 5 + 0) * 9 + 3; // pb = 2, lp = 0, lc = 3: xz's defaults
  header.writeUInt32LE(wasm.length, 1);
  return Buffer.concat([header, stream]);
}

function tempDir() {
  const dir = join(ROOT, "target/bench-startup");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Bundles one page into `dir` (index.html, page.js, any .wasm), gzipped. */
async function buildPage(dir, work, { page, entry, stem, fn, expr }, strategy) {
  mkdirSync(dir, { recursive: true });
  const plugins = [];
  if (entry && STRATEGIES[strategy]) {
    const built = readFileSync(join(PKG, `${entry}.browser.js`), "utf8");
    const match = built.match(LOADING);
    if (!match) throw new Error(`pkg/${entry}.browser.js: no wasm loading lines found`);
    const wasm = readFileSync(join(PKG, `${stem}_bg.wasm`));
    const raw = join(work, `${stem}.raw64.js`), packed = join(work, `${stem}.lzma64.js`);
    writeFileSync(raw, `export default "${wasm.toString("base64")}";\n`);
    writeFileSync(packed, `export default "${lzma(wasm).toString("base64")}";\n`);
    const loading = STRATEGIES[strategy]({ raw, lzma: packed, stem });
    const text = built.replace(LOADING, `${loading}\n`);
    plugins.push({
      name: "strategy",
      setup(b) {
        b.onLoad({ filter: new RegExp(`[/\\\\]pkg[/\\\\]${entry}\\.browser\\.js$`) }, () => ({ contents: text, resolveDir: PKG, loader: "js" }));
      },
    });
    copyFileSync(join(PKG, `${stem}_bg.wasm`), join(dir, `${stem}_bg.wasm`));
  }
  // The call in a task of its own, so a long task tells whether it came from
  // the import or from the first call.
  const contents = `${fn ? `import { ${fn} } from "${page}";\n` : ""}window.__imported = performance.now();
setTimeout(() => { const start = performance.now(); const value = ${expr}; const t = performance.now(); window.__result = { value, t, call: t - start }; });\n`;
  await esbuild.build({
    stdin: { contents, resolveDir: ROOT, loader: "js" },
    bundle: true, minify: true, format: "esm", platform: "browser", target: "es2022",
    outfile: join(dir, "page.js"), logLevel: "error", plugins,
  });
  writeFileSync(join(dir, "index.html"), `<!doctype html><meta charset="utf-8"><title>start-up</title>
<script>window.__tasks = []; new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__tasks.push([e.startTime, e.duration]); }).observe({ type: "longtask", buffered: true });</script>
<script type="module" src="page.js"></script>\n`);
}

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };

/** Serves `root` gzip-compressed (level 9); pages revalidate, the rest is cached. */
async function serve(root) {
  const cache = new Map();
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname).replace(/\/$/, "/index.html");
    if (path.includes("..")) return res.writeHead(400).end();
    let body = cache.get(path);
    if (!body) {
      try {
        body = gzipSync(readFileSync(join(root, path)), { level: 9 });
      } catch {
        return res.writeHead(404).end();
      }
      cache.set(path, body);
    }
    const ext = path.slice(path.lastIndexOf("."));
    res.writeHead(200, {
      "content-type": TYPES[ext] ?? "application/octet-stream", "content-encoding": "gzip", "content-length": body.length,
      "cache-control": ext === ".html" ? "no-store" : "public, max-age=31536000, immutable",
    }).end(body);
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((ok) => server.close(ok)) };
}

/**
 * One load of `url` in `context`: ms to the result, the first call's ms, the
 * longest task up to the end of the import, the bytes.
 */
async function load(context, url) {
  const page = await context.newPage();
  try {
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 40, downloadThroughput: 10e6 / 8, uploadThroughput: 10e6 / 8 });
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(url);
    try {
      await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 60_000 });
    } catch {
      throw new Error(`${url} published no result; page errors: ${errors.join("; ")}`);
    }
    // Long tasks are reported once they end.
    await page.waitForTimeout(100);
    return await page.evaluate(() => ({
      ms: window.__result.t,
      call: window.__result.call,
      value: window.__result.value,
      longest: Math.max(0, ...window.__tasks.filter(([start]) => start < window.__imported).map(([, ms]) => ms)),
      bytes: [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")]
        .reduce((sum, e) => sum + e.transferSize, 0),
    }));
  } finally {
    await page.close();
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Measures every page × strategy; returns [{ page, strategy, cold, warm,
 * over }] with each side's runs and, for an SDK page, what each warm load
 * took over a warm load of the page without the SDK made just before or
 * after it (in turn). `strategies` picks which (default: all).
 */
export async function measureStartup({ strategies = Object.keys(STRATEGIES), loads = LOADS } = {}) {
  const root = tempDir();
  const work = join(root, "work");
  mkdirSync(work);
  const cases = [];
  for (const p of PAGES) {
    for (const strategy of p.entry ? strategies : ["built"]) {
      const slug = `${p.entry ?? "none"}-${strategy.replace(/[^a-z0-9]+/gi, "-")}`;
      await buildPage(join(root, slug), work, p, strategy);
      const gz = gzipSync(readFileSync(join(root, slug, "page.js")), { level: 9 }).length;
      cases.push({ ...p, strategy, slug, gz, cold: [], warm: [], over: [] });
    }
  }
  const server = await serve(root);
  const browser = await launch();
  const base = cases.find((c) => !c.entry);
  try {
    const warm = new Map();
    for (const c of cases) {
      const context = await browser.newContext();
      for (let i = 0; i < 2; i++) await load(context, `${server.url}/${c.slug}/`);
      warm.set(c, context);
    }
    for (let round = 0; round < loads; round++) {
      // A rotating order, so a busy moment of the machine falls on every page alike.
      for (let k = 0; k < cases.length; k++) {
        const c = cases[(k + round) % cases.length];
        const fresh = await browser.newContext();
        c.cold.push(await load(fresh, `${server.url}/${c.slug}/`));
        await fresh.close();
        if (!c.entry) {
          c.warm.push(await load(warm.get(c), `${server.url}/${c.slug}/`));
          continue;
        }
        // A pair back to back, so that little but the SDK differs between
        // them; which goes first alternates.
        const ms = {};
        for (const p of round % 2 ? [base, c] : [c, base]) {
          const run = await load(warm.get(p), `${server.url}/${p.slug}/`);
          if (p === c) c.warm.push(run);
          ms[p === c ? "page" : "base"] = run.ms;
        }
        c.over.push(ms.page - ms.base);
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return cases;
}

const stat = (runs, key) => {
  const xs = runs.map((r) => r[key]);
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
};
const fmt = ({ median: m, min, max }) => `${m.toFixed(0)} (${min.toFixed(0)}–${max.toFixed(0)})`;

/**
 * The table: per page and strategy, cold and warm ms to the first result
 * (median, and the spread over the loads), what it adds warm over the page
 * without the SDK, the longest main-thread task up to the end of the import,
 * the first call's ms, the bytes transferred cold and the gzip size of its
 * bundle. The targets are judged on the "built" rows; the task by its
 * median, as the page without the SDK has an occasional task over 50 ms of
 * its own.
 */
export function startupTable(cases) {
  return cases.map((c) => {
    const cold = stat(c.cold, "ms"), warm = stat(c.warm, "ms"), task = stat(c.warm, "longest");
    const over = c.entry ? median(c.over) : 0;
    const ok = c.target === undefined ? "" : over <= c.target && task.median <= 50 ? "yes" : "NO";
    return {
      page: c.page, loading: c.strategy, "cold ms": fmt(cold), "warm ms": fmt(warm),
      "warm over no SDK": c.entry ? `${over < 0 ? "" : "+"}${over.toFixed(0)}` : "", "longest task at import, warm": fmt(task),
      "longest task at import, cold": fmt(stat(c.cold, "longest")), "first call ms, warm": c.entry ? fmt(stat(c.warm, "call")) : "",
      "KB cold": (stat(c.cold, "bytes").median / 1000).toFixed(1),
      "gzip KB": (c.gz / 1000).toFixed(1),
      goal: c.target === undefined ? "" : `warm ≤ +${c.target}, import task ≤ 50`, ok: c.strategy === "built" ? ok : "",
    };
  });
}

export const STARTUP_COLUMNS = ["page", "loading", "cold ms", "warm ms", "warm over no SDK", "longest task at import, warm",
  "longest task at import, cold", "first call ms, warm", "KB cold", "gzip KB", "goal", "ok"];

/** The start-up table of bench/run.mjs: every strategy, then a note. */
export async function printStartup(options) {
  const cases = await measureStartup(options);
  console.log(`\nStart-up: Chromium, CPU 4× slower, 10 Mbit/s and 40 ms; ms from navigation to the first result, median (min–max) of ${options?.loads ?? LOADS} loads`);
  printTable(startupTable(cases), STARTUP_COLUMNS);
  return cases;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const only = process.argv.slice(2);
  await printStartup(only.length ? { strategies: only } : undefined);
}
