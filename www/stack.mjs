// The demo's three pieces on 127.0.0.1, free ports chosen at runtime:
//   peeker-sandbox (the Partner API) → signed webhooks → the Worker
//   the Worker (`wrangler dev --local`): POST /webhooks/peeker, GET /events, /api/* proxy
//   a static server for www/ (and pkg/ at /pkg/, /config.json and /token for the page)
// Used by `cargo xtask demo` (www/demo.mjs) and the end-to-end tests.
// Every child runs in its own process group and is stopped by its PID.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { mintBrowserToken } from "peeker-partner";
import { freePort, migrate, ROOT, startWorker, tempDir } from "../tests/worker/wrangler.mjs";

export { ROOT };
const TYPES = { ".js": "text/javascript", ".mjs": "text/javascript", ".html": "text/html; charset=utf-8",
  ".css": "text/css", ".wasm": "application/wasm", ".json": "application/json", ".png": "image/png" };

// The sandbox's prices (sandbox/README.md), for the page's cost preview only.
const LICENSE_CENTS = { google: 100, microsoft: 900 };

/**
 * Serves www/ at / and pkg/ at /pkg/ (nothing else of the repository);
 * `config()` becomes /config.json and `token(customer)` answers /token.
 */
export async function serveWww(config, token = () => null) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://x");
    let path = normalize(decodeURIComponent(url.pathname));
    if (path === "/config.json") {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      return res.end(JSON.stringify(config()));
    }
    if (path === "/token") {
      // The partner backend's job: a short-lived browser token for the
      // signed-in customer. The demo has no sign-in, so the page names its
      // customer; a real backend takes the customer from its own session.
      const minted = token(url.searchParams.get("customer") ?? "");
      res.writeHead(minted ? 200 : 400, { "content-type": "application/json", "cache-control": "no-store" });
      return res.end(JSON.stringify(minted ?? { error: { code: "invalid_request", message: "customer must be an email" } }));
    }
    if (path === "/") path = "/index.html";
    const [base, rel] = path.startsWith("/pkg/") ? ["pkg", path.slice(5)] : ["www", path.slice(1)];
    const file = join(ROOT, base, rel);
    if (!file.startsWith(join(ROOT, base) + sep)) return res.writeHead(404).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((ok) => server.close(ok)) };
}

/** Builds the sandbox unless told not to; returns its binary. */
function sandboxBinary(build) {
  if (build) execFileSync("cargo", ["build", "-q", "-p", "peeker-sandbox", "--bin", "peeker-sandbox"], { cwd: ROOT, stdio: "inherit" });
  return join(ROOT, "target/debug/peeker-sandbox");
}

/** Starts peeker-sandbox on `port` in its own process group; resolves once it listens. */
async function startSandbox({ port, webhookUrl, secret, timeScale, build }) {
  const child = spawn(sandboxBinary(build), ["--host", "127.0.0.1", "--port", String(port), "--webhook-url", webhookUrl,
    "--webhook-secret", secret, "--time-scale", String(timeScale), "--rate-limit", "100000"],
  { cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const log = [];
  let buffered = "";
  const exited = new Promise((ok) => child.once("exit", ok));
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("peeker-sandbox did not start within 30 s")), 30_000);
    child.once("exit", (code) => reject(new Error(`peeker-sandbox exited (${code}): ${log.join("\n")}`)));
    child.stderr.on("data", (d) => log.push(String(d)));
    child.stdout.on("data", (chunk) => {
      buffered += chunk;
      const lines = buffered.split("\n");
      buffered = lines.pop();
      for (const line of lines) {
        log.push(line);
        const m = /listening on (http:\/\/\S+)/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      }
    });
  });
  const origin = new URL(base).origin;
  const control = async (method, path, body) => {
    const res = await fetch(`${origin}/_sandbox/${path}`, { method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body) });
    const json = await res.json();
    if (!res.ok) throw new Error(`/_sandbox/${path}: ${JSON.stringify(json)}`);
    return json.data ?? json;
  };
  return {
    base, origin, pid: child.pid, log,
    count: (re) => log.filter((l) => re.test(l)).length,
    faults: (f) => control("POST", "faults", f ?? {}),
    state: () => control("GET", "state"),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        try { process.kill(-child.pid, "SIGTERM"); } catch {}
        const timer = setTimeout(() => { try { process.kill(-child.pid, "SIGKILL"); } catch {} }, 5000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/**
 * Starts sandbox + Worker + static server. Returns {url, config, sandbox, worker, www, stop()}.
 * `timeScale` is the sandbox's (an order completes in about 2 × timeScale seconds).
 */
export async function startStack({ timeScale = 1, build = true } = {}) {
  const secret = `whsec_demo_${randomBytes(12).toString("hex")}`;
  const tokenSecret = randomBytes(32).toString("hex");
  // What the page calls, nothing more (docs/contract.md#browser-tokens).
  const pageScope = "bundles.list bundles.create domains.availability orders.create orders.pending events.read";
  const token = (customer, scope = pageScope) => {
    try {
      const exp = Math.floor(Date.now() / 1000) + 3600;
      // bundles.create is an account scope: the demo's page also plays the
      // partner's admin, which a real customer's page would not.
      const claims = { sub: customer, scope, exp };
      return { token: mintBrowserToken(tokenSecret, claims, { accountScopes: true }), expires_at: exp };
    } catch {
      return null; // not an email or usr_ id
    }
  };
  const apiKey = "pk_test_demo_worker_key";
  const persistTo = tempDir("peeker-demo-");
  const parts = [];
  const stop = async () => {
    for (const p of parts.reverse()) await p.stop().catch(() => {});
    parts.length = 0;
    rmSync(persistTo, { recursive: true, force: true });
  };
  try {
    let config = {};
    const www = await serveWww(() => config, token);
    parts.push({ stop: www.close });
    const sandboxPort = await freePort();
    const apiBase = `http://127.0.0.1:${sandboxPort}/partner/v1`;
    await migrate(persistTo);
    const worker = await startWorker({ persistTo, vars: {
      PEEKER_API_BASE: apiBase, PEEKER_API_KEY: apiKey, PEEKER_WEBHOOK_SECRET: secret,
      PROXY_TOKEN_SECRET: tokenSecret, ALLOWED_ORIGINS: www.url,
    } });
    parts.push(worker);
    const sandbox = await startSandbox({ port: sandboxPort, webhookUrl: `${worker.url}/webhooks/peeker`,
      secret, timeScale, build });
    parts.push(sandbox);
    // What the page needs; no API key, no token secret (the page asks /token).
    config = { api: `${worker.url}/api`, events: `${worker.url}/events`, licenseCents: LICENSE_CENTS };
    return { url: www.url, config, sandbox, worker, www, stop, token: (customer, scope) => token(customer, scope)?.token };
  } catch (e) {
    await stop();
    throw e;
  }
}
