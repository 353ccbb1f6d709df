// The same import works in workerd: the MAIN entry "peeker-partner"
// (full wasm: validators, sizing) bundled by wrangler and run in workerd with
// no init call gives exactly what the same import gives in Node.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { requiredDomains, signWebhook, validateOrder } from "peeker-partner";
import { ROOT, startWorker, tempDir } from "./wrangler.mjs";
import { startSandbox } from "../client/harness.mjs";

let worker, sandbox;
before(async () => {
  sandbox = await startSandbox();
  worker = await startWorker({
    config: join(ROOT, "tests/worker/fixture-full/wrangler.toml"),
    persistTo: tempDir("peeker-worker-full-"),
    vars: { PEEKER_API_BASE: sandbox.base, PEEKER_API_KEY: "pk_test_workerd_client" },
  });
});
after(async () => {
  await worker?.stop();
  await sandbox?.stop();
});

const order = JSON.parse(readFileSync(join(ROOT, "tests/resources/requests/order_bundle.json"), "utf8"));
const inWorkerd = async (body) => {
  const res = await fetch(worker.url, { method: "POST", body: JSON.stringify(body) });
  assert.equal(res.status, 200, await res.clone().text());
  return res.json();
};

test("validateOrder and requiredDomains from 'peeker-partner' run in workerd", async () => {
  const ok = await inWorkerd(order);
  assert.deepEqual(ok.problems, []);
  assert.deepEqual(ok.required, { google: 15, microsoft: 4, total: 19 });

  const bad = { ...order, forwarding_url: "not a url", domains: ["acme.com", "ACME.com"] };
  const got = await inWorkerd(bad);
  assert.ok(got.problems.length >= 2, JSON.stringify(got.problems));
  assert.deepEqual(got.problems, validateOrder(bad), "workerd and Node agree");
  assert.deepEqual(got.required, requiredDomains({ monthly_sending_volume: 25000 }));
});

test("handleWebhook from 'peeker-partner' answers 200 / 401 / 400 / 413 in workerd", async () => {
  const body = JSON.stringify({ id: "evt_hw", type: "order.completed", created_at: "2026-05-08T12:00:00Z",
    data: { id: "ord_hw", status: "completed" } });
  const post = (payload, headers) => fetch(`${worker.url}/hook`, { method: "POST", headers, body: payload });
  assert.equal((await post(body, signWebhook(body, "s_old"))).status, 200);
  assert.equal((await post(body, signWebhook(body, "s_new"))).status, 200);
  assert.equal((await post(body.replace("completed", "failed"), signWebhook(body, "s_new"))).status, 401);
  assert.equal((await post(body, {})).status, 400);
  const big = "x".repeat(1024 * 1024 + 1);
  assert.equal((await post(big, signWebhook(big, "s_new"))).status, 413);
  assert.deepEqual(await (await fetch(`${worker.url}/seen`)).json(), ["evt_hw", "evt_hw"]);
});

test("PeekerClient runs in workerd: calls, pagination, chunked availability, error classes", async () => {
  const res = await fetch(`${worker.url}/client`);
  assert.equal(res.status, 200, await res.clone().text());
  const got = await res.json();
  assert.equal(got.preset, "full");
  assert.deepEqual(got.required, { google: 15, microsoft: 4, total: 19 });
  assert.ok(got.names.includes("Edge"), JSON.stringify(got.names));
  assert.deepEqual(got.available, [true, false]);
  assert.deepEqual(got.notFound, { isNotFound: true, status: 404, requestId: "string" });
});

