// The Worker's /api proxy in workerd against a hostile upstream (a node:http
// stub on 127.0.0.1): a redirect to another origin is not followed, a key
// echoed back never reaches the browser, a 50 MB answer is cut off, and
// whatever the upstream sends, the Worker answers JSON.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { mintBrowserToken } from "peeker-partner";
import { migrate, startWorker, tempDir } from "./wrangler.mjs";
import { sendHugeBody } from "../hostile.mjs";

const KEY = "pk_test_upstream_\"quoted\"_9a1b";
const SECRET = "proxy-token-secret-0123456789abcdef-up";
let worker, stub, evil;
let stubHits = [];
let evilHits = 0;

const listen = (server) => new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server.address().port)));

before(async () => {
  evil = createServer((req, res) => {
    evilHits++;
    res.writeHead(200, { "content-type": "application/json" }).end('{"data":{"stolen":true}}');
  });
  const evilPort = await listen(evil);
  stub = createServer((req, res) => {
    stubHits.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
    req.resume();
    const echoed = JSON.stringify(KEY).slice(1, -1); // the key as it sits inside a JSON string
    switch (req.url.split("?")[0]) { // lists carry the customer's forced filter
      case "/partner/v1/me":
        res.writeHead(307, { location: `http://127.0.0.1:${evilPort}/steal` }).end();
        return;
      case "/partner/v1/bundles/bun_echo":
        res.writeHead(400, { "content-type": "application/json", "peeker-request-id": `req_${KEY}` });
        res.end(`{"error":{"code":"bad_${echoed}","message":"bad key ${echoed} (${encodeURIComponent(KEY)})",` +
          `"field":"${echoed}","details":{"nested":[{"again":"${echoed}"}]}}}`);
        return;
      case "/partner/v1/bundles/bun_ok":
        res.writeHead(200, { "content-type": "application/json" });
        res.end(`{"data":{"id":"bun_ok","note":"${echoed}"}}`);
        return;
      case "/partner/v1/orders": {
        // 50 MB, sent in 1 MB chunks; the Worker stops reading at 16 MiB.
        sendHugeBody(res, 50);
        return;
      }
      case "/partner/v1/swaps":
        res.writeHead(502, { "content-type": "text/html" }).end("<html>bad gateway</html>");
        return;
      default:
        res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"code":"not_found","message":"no"}}');
    }
  });
  const port = await listen(stub);
  const persistTo = tempDir("peeker-worker-upstream-");
  await migrate(persistTo); // the ownership table
  worker = await startWorker({
    persistTo,
    vars: { PEEKER_API_BASE: `http://127.0.0.1:${port}/partner/v1`, PEEKER_API_KEY: KEY, PROXY_TOKEN_SECRET: SECRET },
  });
});
after(async () => {
  await worker?.stop();
  stub?.closeAllConnections?.();
  stub?.close();
  evil?.close();
});

const headers = {
  authorization: `Bearer ${mintBrowserToken(SECRET, { sub: "usr_1", scope: "me bundles.retrieve orders.list swaps.list", exp: Math.floor(Date.now() / 1000) + 3600 }, { accountScopes: true })}`,
};
const get = (path) => fetch(`${worker.url}/api${path}`, { headers });

test("an upstream redirect to another origin is not followed", async () => {
  const res = await get("/me");
  assert.equal(res.status, 502);
  assert.equal(res.headers.get("location"), null);
  assert.equal((await res.json()).error.code, "bad_gateway");
  assert.equal(evilHits, 0, "the other origin was never contacted");
  assert.equal(stubHits.filter((h) => h.url === "/partner/v1/me").length, 1);
});

test("a key echoed by the upstream, in any escaped form, never reaches the caller", async () => {
  const escaped = JSON.stringify(KEY).slice(1, -1);
  for (const path of ["/bundles/bun_echo", "/bundles/bun_ok"]) {
    const res = await get(path);
    const text = await res.text();
    for (const form of [KEY, escaped, encodeURIComponent(KEY), "upstream_"]) {
      assert.ok(!text.includes(form), `${path}: ${text}`);
      for (const [, value] of res.headers) assert.ok(!value.includes(form), value);
    }
    JSON.parse(text);
  }
  assert.ok(stubHits.every((h) => h.authorization === `Bearer ${KEY}`), "the key was sent upstream");
});

test("a 50 MB answer is cut off: 502, the Worker still answers", async () => {
  const res = await get("/orders");
  assert.equal(res.status, 502);
  assert.equal((await res.json()).error.code, "bad_gateway");
  assert.equal((await get("/bundles/bun_ok")).status, 200);
});

test("an upstream error without an envelope becomes one", async () => {
  const res = await get("/swaps");
  assert.equal(res.status, 502);
  assert.match(res.headers.get("content-type"), /^application\/json/);
  assert.equal(typeof (await res.json()).error.message, "string");
});
