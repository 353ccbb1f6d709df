// The Worker's /api/* proxy in workerd against a real peeker-sandbox, both on
// 127.0.0.1 with free ports: the key stays in the Worker, write bodies are
// validated with the wasm core before anything is sent, answers pass through.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { PeekerClient } from "peeker-partner";
import { startSandbox, orderBody } from "../client/harness.mjs";
import { startWorker, tempDir } from "./wrangler.mjs";

const KEY = "pk_test_proxy_3f9c1a7e";
const ORIGIN = "http://127.0.0.1:9"; // the frontend allowed by CORS
let sandbox, worker;

before(async () => {
  sandbox = await startSandbox();
  worker = await startWorker({
    persistTo: tempDir("peeker-worker-proxy-"),
    vars: { PEEKER_API_BASE: sandbox.base, PEEKER_API_KEY: KEY, ALLOWED_ORIGINS: ORIGIN, EVENTS_TOKEN: "t" },
  });
});
after(async () => {
  await worker?.stop();
  await sandbox?.stop();
});

const api = (path, init = {}) => fetch(`${worker.url}/api${path}`, init);
const post = (path, body, headers = {}) =>
  api(path, { method: "POST", headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body) });

test("GET passes status, body and Peeker-Request-Id through, with the Worker's key", async () => {
  const res = await api("/me", { headers: { authorization: "Bearer pk_test_from_browser_ignored" } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("peeker-request-id") ?? "", /^req_/);
  const body = await res.text();
  assert.equal(JSON.parse(body).data.api_key.environment, "test");
  assert.ok(!body.includes(KEY));
  for (const [, value] of res.headers) assert.ok(!value.includes(KEY));
  // Query strings go along; an API error comes back as the API sent it.
  const missing = await api("/bundles/bun_01HZX0NOPE000000000000000");
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).error.code, "not_found");
  assert.match(missing.headers.get("peeker-request-id") ?? "", /^req_/);
});

test("an invalid order is answered 400 with every problem, and never reaches the API", async () => {
  const before = sandbox.count(/POST \/partner\/v1\/orders /);
  const bad = orderBody("badproxy", {
    forwarding_url: "ftp://nope",
    personas: Array.from({ length: 11 }, () => ({ first_name: "A", last_name: "B", profile_picture_url: null })),
  });
  const res = await post("/orders", bad);
  assert.equal(res.status, 400);
  const { error } = await res.json();
  const fields = error.details.problems.map((p) => p.field);
  assert.ok(fields.includes("forwarding_url"), JSON.stringify(fields));
  assert.ok(fields.includes("personas"), JSON.stringify(fields));
  assert.equal(error.field, error.details.problems[0].field);
  assert.equal((await post("/orders", "{not json")).status, 400);
  assert.equal((await post("/domains/availability", { domains: [] })).status, 400);
  assert.equal(sandbox.count(/POST \/partner\/v1\/(orders|domains\/availability) /) - before, 0);
});

test("a valid order goes through once; the same bytes again are the same order", async () => {
  const body = JSON.stringify(orderBody("proxyonce"));
  const first = await post("/orders", body);
  assert.equal(first.status, 200, await first.clone().text());
  const again = await post("/orders", body);
  assert.equal((await first.json()).data.id, (await again.json()).data.id);
  const { charges } = await sandbox.state();
  assert.ok(Array.isArray(charges));
});

test("sandbox 5xx and a dropped connection reach the caller as 5xx", async () => {
  await sandbox.faults({ error_rate: 1 });
  try {
    const res = await api("/me");
    assert.equal(res.status, 500);
    assert.match(res.headers.get("peeker-request-id") ?? "", /^req_/);
  } finally {
    await sandbox.faults({});
  }
  await sandbox.faults({ drop_after_commit: "POST /orders", drop_count: 1 });
  try {
    const res = await post("/orders", orderBody("proxydrop"));
    assert.equal(res.status, 502);
    assert.equal((await res.json()).error.code, "bad_gateway");
  } finally {
    await sandbox.faults({});
  }
});

test("CORS answers only the configured origin", async () => {
  const pre = await api("/orders", { method: "OPTIONS", headers: { origin: ORIGIN,
    "access-control-request-method": "POST", "access-control-request-headers": "content-type" } });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get("access-control-allow-origin"), ORIGIN);
  assert.match(pre.headers.get("access-control-allow-headers"), /content-type/);
  const other = await api("/me", { headers: { origin: "http://evil.example" } });
  assert.equal(other.headers.get("access-control-allow-origin"), null);
  const ok = await api("/me", { headers: { origin: ORIGIN } });
  assert.equal(ok.headers.get("access-control-allow-origin"), ORIGIN);
  assert.match(ok.headers.get("access-control-expose-headers"), /peeker-request-id/);
});

test("PeekerClient with baseUrl = the proxy and no key works, and the existing routes still answer", async () => {
  const client = new PeekerClient({ baseUrl: `${worker.url}/api` });
  const rows = await client.domains.availability(["proxy-ok.com", "proxy-gonly.com", "proxy-taken.com"]);
  assert.deepEqual(rows.map((r) => r.available), [true, true, false]);
  assert.deepEqual(rows[1].usable_for, ["google"]);
  assert.equal((await fetch(`${worker.url}/events`)).status, 401);
  assert.equal((await fetch(`${worker.url}/nope`)).status, 404);
  assert.ok(!worker.log().includes(KEY), "the key is never logged");
});
