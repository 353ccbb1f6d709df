// PeekerClient in headless Chromium against peeker-sandbox. The sandbox sends
// no CORS headers, so a small same-origin server serves the repository (the
// page and pkg/) and forwards /partner/v1/* to the sandbox.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, request as httpRequest } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { launch } from "../browser/harness.mjs";
import { startSandbox, ROOT } from "./harness.mjs";

const TYPES = { ".js": "text/javascript", ".html": "text/html", ".wasm": "application/wasm", ".json": "application/json" };
let sb;
let server;
let origin;
let browser;

before(async () => {
  sb = await startSandbox({ rateLimit: 100_000, timeScale: 0.01 });
  const upstream = new URL(sb.base);
  server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://x");
    if (url.pathname.startsWith("/partner/v1/") || url.pathname.startsWith("/_sandbox/")) {
      const proxied = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode, up.headers);
          up.pipe(res);
        },
      );
      // A dropped upstream connection is a dropped one here too.
      proxied.on("error", () => res.destroy());
      req.pipe(proxied);
      return;
    }
    if (url.pathname === "/client-test.html") {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(PAGE);
      return;
    }
    try {
      const path = normalize(decodeURIComponent(url.pathname));
      const body = await readFile(join(ROOT, path));
      res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await new Promise((ok) => (server ? server.close(ok) : ok()));
  await sb?.stop();
});

// Runs in the page: the browser entry of the package, straight from pkg/.
const PAGE = `<!doctype html><script type="module">
import * as P from "/pkg/index.browser.js";
const out = {};
const base = location.origin + "/partner/v1";
const key = "pk_test_browser_suite_key";
const c = new P.PeekerClient({ apiKey: key, baseUrl: base, rateLimitPerMinute: 0 });
const grab = (p) => p.then((v) => ({ ok: v }), (e) => ({ name: e.name, status: e.status, code: e.code, message: e.message, classes: Object.keys(P).filter((k) => /Error$/.test(k) && e instanceof P[k]) }));
try {
  out.me = (await c.me()).data.api_key.permission_preset;
  const b = await c.bundles.create({ name: "Browser", monthly_sending_volume: 25000 });
  out.required = b.data.required_domains;
  for (let i = 0; i < 5; i++) await c.bundles.create({ name: "B" + i, monthly_sending_volume: 1000 + i });
  let n = 0, pages = 0;
  for await (const _ of c.bundles.list({ per_page: 2 })) n++;
  for await (const _ of c.bundles.list({ per_page: 2 }).pages()) pages++;
  out.walk = { n, pages };
  const rows = await c.domains.availability(Array.from({ length: 120 }, (_, i) => "web-" + i + ".com"));
  out.rows = rows.length;
  out.inOrder = rows.every((r, i) => r.domain === "web-" + i + ".com");
  out.e404 = await grab(c.bundles.retrieve("bun_nope"));
  out.e401 = await grab(new P.PeekerClient({ apiKey: "pk_live_zz1", baseUrl: base, dangerouslyAllowBrowser: true }).me());
  out.e403 = await grab(new P.PeekerClient({ apiKey: "pk_test_read_k", baseUrl: base }).bundles.create({ name: "x", monthly_sending_volume: 1000 }));
  out.invalid = await grab(c.orders.create({}));
  await fetch("/_sandbox/faults", { method: "POST", body: JSON.stringify({ latency_ms: 300 }) });
  const ctl = new AbortController();
  const pending = grab(c.me({ signal: ctl.signal }));
  setTimeout(() => ctl.abort(), 30);
  out.abort = await pending;
  out.timeout = await grab(c.me({ timeoutMs: 50, maxRetries: 0 }));
  await fetch("/_sandbox/faults", { method: "POST", body: JSON.stringify({ error_rate: 1 }) });
  out.e500 = await grab(c.me({ maxRetries: 0 }));
  await fetch("/_sandbox/faults", { method: "POST", body: "" });
  try {
    new P.PeekerClient({ apiKey: "pk_live_secret_abc" });
    out.refusal = "no refusal";
  } catch (e) {
    out.refusal = e.message;
  }
  out.allowed = !!new P.PeekerClient({ apiKey: "pk_live_secret_abc", dangerouslyAllowBrowser: true });
  out.shown = String(c) + JSON.stringify(c);
} catch (e) {
  out.fatal = String(e && e.stack || e);
}
window.__result = out;
</script>`;

test("PeekerClient in headless Chromium (browser entry)", async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${origin}/client-test.html`);
  await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 60_000 }).catch(() => {
    throw new Error(`no result; page errors: ${errors.join("; ")}`);
  });
  const r = await page.evaluate(() => window.__result);
  await page.close();
  assert.equal(r.fatal, undefined, r.fatal);
  assert.equal(r.me, "full");
  assert.deepEqual(r.required, { google: 15, microsoft: 4, total: 19 });
  assert.ok(r.walk.n >= 6 && r.walk.pages >= 3, JSON.stringify(r.walk));
  assert.equal(r.rows, 120);
  assert.ok(r.inOrder);
  assert.equal(r.e404.name, "NotFoundError");
  assert.ok(r.e404.classes.includes("ApiError") && r.e404.classes.includes("PeekerError"));
  assert.equal(r.e401.name, "AuthenticationError");
  assert.equal(r.e401.status, 401);
  assert.equal(r.e403.name, "PermissionError");
  assert.equal(r.invalid.name, "ValidationError");
  assert.equal(r.abort.name, "AbortError");
  assert.equal(r.timeout.name, "TimeoutError");
  assert.ok(r.timeout.classes.includes("ConnectionError"));
  assert.equal(r.e500.name, "ServerError");
  assert.equal(r.e500.status, 500);
  assert.match(r.refusal, /Worker's proxy/);
  assert.ok(!r.refusal.includes("pk_live_secret_abc"));
  assert.ok(r.allowed);
  assert.ok(!r.shown.includes("pk_test_browser_suite_key"));
});
