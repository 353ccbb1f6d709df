import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createRequire } from "node:module";
import * as full from "peeker-partner";
import * as small from "peeker-partner/webhooks";
import { runScenarios, runScenariosAsync, SECRET, NOW, BODY, EVENT } from "./webhook-scenarios.mjs";

const require = createRequire(import.meta.url);

test("signWebhook matches an independent HMAC-SHA256 (node:crypto)", () => {
  const expected = createHmac("sha256", SECRET).update(`${NOW}.${BODY}`).digest("hex");
  assert.deepEqual(full.signWebhook(BODY, SECRET, { timestamp: NOW }), {
    "Peeker-Timestamp": String(NOW),
    "Peeker-Signature": `v1=${expected}`,
  });
});

test("in Node the main entry's webhook functions are peeker-partner/webhooks' own (import and require)", () => {
  const [fullCjs, smallCjs] = [require("peeker-partner"), require("peeker-partner/webhooks")];
  for (const name of ["verifyWebhook", "checkWebhook", "verifyWebhookAsync", "signWebhook", "handleWebhook", "isKnownEvent"]) {
    assert.equal(typeof small[name], "function", name);
    assert.equal(full[name], small[name], name);
    assert.equal(fullCjs[name], smallCjs[name], `${name} (require)`);
  }
});

for (const [name, api] of [["peeker-partner", full], ["peeker-partner/webhooks", small]]) {
  test(`the scenario set through verifyWebhook (${name})`, () => {
    const { count, failures } = runScenarios(api);
    assert.deepEqual(failures, []);
    assert.ok(count >= 30);
  });
}

for (const [name, api] of [["peeker-partner", full], ["peeker-partner/webhooks", small]]) {
  test(`the scenario set through verifyWebhookAsync (${name})`, async () => {
    const { count, failures } = await runScenariosAsync(api);
    assert.deepEqual(failures, []);
    assert.ok(count >= 30);
  });
}

// checkWebhook answers what verifyWebhook throws, as a value: the scenario
// set passes through it once its refusals are thrown again here.
const throwingRefusals = (api) => ({
  ...api,
  verifyWebhook: (...args) => {
    const checked = api.checkWebhook(...args);
    if (checked.ok) return checked.event;
    assert.ok(!(checked instanceof Error));
    throw new api.WebhookVerificationError(checked.message, checked.code, checked.field);
  },
});
for (const [name, api] of [["peeker-partner", full], ["peeker-partner/webhooks", small]]) {
  test(`the scenario set through checkWebhook (${name})`, () => {
    const { count, failures } = runScenarios(throwingRefusals(api));
    assert.deepEqual(failures, []);
    assert.ok(count >= 30);
  });

  test(`checkWebhook returns refusals as plain values and throws the caller's mistakes (${name})`, () => {
    const headers = api.signWebhook(BODY, SECRET, { timestamp: NOW });
    assert.deepEqual(api.checkWebhook(BODY, headers, SECRET, { now: NOW }), { ok: true, event: EVENT });
    const forged = api.signWebhook(BODY, "whsec_not_the_secret", { timestamp: NOW });
    const refused = api.checkWebhook(BODY, forged, SECRET, { now: NOW });
    let thrown;
    try {
      api.verifyWebhook(BODY, forged, SECRET, { now: NOW });
    } catch (e) {
      thrown = e;
    }
    assert.equal(Object.getPrototypeOf(refused), Object.prototype);
    assert.deepEqual(refused, { ok: false, code: thrown.code, field: thrown.field, message: thrown.message });
    assert.equal(refused.code, "signature_mismatch");
    assert.equal(refused.field, "Peeker-Signature");
    assert.ok(!refused.message.includes(SECRET) && !refused.message.includes(forged["Peeker-Signature"].slice(3, 20)));
    const stale = api.checkWebhook(BODY, headers, SECRET, { now: NOW + 400 });
    assert.equal(stale.code, "timestamp_out_of_range");
    assert.match(stale.message, /is 400 s old, beyond the 300 s tolerance/);
    assert.equal(api.checkWebhook(BODY, {}, SECRET).code, "missing_header");
    assert.equal(api.checkWebhook({ parsed: true }, headers, SECRET).code, "invalid_payload");
    assert.equal(api.checkWebhook(`${BODY} `, headers, SECRET, { now: NOW }).code, "signature_mismatch");
    assert.throws(() => api.checkWebhook(BODY, headers, ""), { name: "WebhookVerificationError", code: "invalid_secret" });
    assert.throws(() => api.checkWebhook(BODY, headers, SECRET, { toleranceSeconds: -1 }), { code: "invalid_options" });
  });
}

test("the verifier keeps working across bodies that grow and shrink its buffer", () => {
  for (const size of [0, 10, 70_000, 2 * 1024 * 1024, 5, 300_000]) {
    const body = JSON.stringify({ ...EVENT, data: { ...EVENT.data, pad: "é".repeat(size) } });
    const headers = small.signWebhook(body, SECRET, { timestamp: NOW });
    const expected = createHmac("sha256", SECRET).update(`${NOW}.${body}`).digest("hex");
    assert.equal(headers["Peeker-Signature"], `v1=${expected}`);
    assert.equal(small.checkWebhook(body, headers, [SECRET, "whsec_other"], { now: NOW }).ok, true);
  }
});

test("both entries throw the same error classes; the verifier's exports only those it throws", () => {
  assert.equal(small.PeekerError, full.PeekerError);
  assert.equal(small.WebhookVerificationError, full.WebhookVerificationError);
  const exported = ["PeekerError", "WebhookVerificationError", "checkWebhook", "handleWebhook", "isKnownEvent",
    "signWebhook", "verifyWebhook", "verifyWebhookAsync"];
  assert.deepEqual(Object.keys(small).sort(), exported);
  const required = require("peeker-partner/webhooks");
  assert.deepEqual(Object.keys(required).sort(), exported);
});

test("now defaults to the current time", () => {
  const ts = Math.floor(Date.now() / 1000);
  const headers = full.signWebhook(BODY, SECRET, { timestamp: ts });
  assert.equal(full.verifyWebhook(BODY, headers, SECRET).id, EVENT.id);
  const stale = full.signWebhook(BODY, SECRET, { timestamp: ts - 3600 });
  assert.throws(() => full.verifyWebhook(BODY, stale, SECRET), { code: "timestamp_out_of_range" });
});

const delivery = (body, headers, init = {}) =>
  new Request("http://127.0.0.1/webhooks/peeker", { method: "POST", body, headers, ...init });

test("handleWebhook answers 200 / 400 / 401 / 413 and calls onEvent once per verified delivery", async () => {
  const seen = [];
  const options = { secret: SECRET, onEvent: (e) => seen.push(e.id) };
  const now = Math.floor(Date.now() / 1000);
  const signed = full.signWebhook(BODY, SECRET, { timestamp: now });

  const ok = await small.handleWebhook(delivery(BODY, signed), options);
  assert.equal(ok.status, 200);
  assert.deepEqual(seen, [EVENT.id]);

  const tampered = await small.handleWebhook(delivery(BODY.replace("in_progress", "completed"), signed), options);
  assert.equal(tampered.status, 401);
  const unsigned = await small.handleWebhook(delivery(BODY, {}), options);
  assert.equal(unsigned.status, 400);
  const stale = full.signWebhook(BODY, SECRET, { timestamp: now - 3600 });
  assert.equal((await small.handleWebhook(delivery(BODY, stale), options)).status, 401);
  const big = "x".repeat(1024 * 1024 + 1);
  const oversize = await small.handleWebhook(delivery(big, full.signWebhook(big, SECRET, { timestamp: now })), options);
  assert.equal(oversize.status, 413);
  const text = await tampered.text();
  assert.ok(!text.includes("ord_01") && !text.includes(SECRET), "nothing of the request is echoed");
  assert.deepEqual(seen, [EVENT.id]);

  const failing = await full.handleWebhook(delivery(BODY, signed), {
    secret: SECRET,
    onEvent: async () => { throw new Error("db down"); },
  });
  assert.equal(failing.status, 500, "a failed handler lets Peeker retry");
});

test("handleWebhook hands onEvent the raw body and stops reading an oversize stream", async () => {
  const now = Math.floor(Date.now() / 1000);
  const seen = [];
  const ok = await small.handleWebhook(delivery(BODY, full.signWebhook(BODY, SECRET, { timestamp: now })), {
    secret: SECRET,
    onEvent: (event, { rawBody }) => seen.push([event.id, rawBody]),
  });
  assert.equal(ok.status, 200);
  assert.deepEqual(seen, [[EVENT.id, BODY]]);

  // A chunked upload with no Content-Length: 64 KiB chunks, never ending on
  // its own; the handler must answer 413 after a little over 1 MiB.
  let pulled = 0;
  const endless = new ReadableStream({
    pull(controller) {
      pulled += 65536;
      controller.enqueue(new Uint8Array(65536));
    },
  });
  const oversize = await small.handleWebhook(
    new Request("http://127.0.0.1/webhooks/peeker", { method: "POST", body: endless, duplex: "half" }),
    { secret: SECRET, onEvent: () => seen.push("never") },
  );
  assert.equal(oversize.status, 413);
  assert.ok(pulled <= 2 * 1024 * 1024, `read ${pulled} bytes`);
  assert.equal(seen.length, 1);
});

