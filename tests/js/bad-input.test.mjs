// Wrong types everywhere: every exported function answers with problems or a
// PeekerError (with code and field), never a wasm trap, never a hang, and
// wasm memory does not keep growing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import * as pp from "peeker-partner";
// The raw wasm-bindgen output of each entry (not shipped: the package's
// entries initialise themselves) gives a second instance whose memory the
// tests can see.
import * as glue from "../../target/wasm-bindgen/peeker_partner/peeker_partner.js";

const { initSync } = glue;
// verifyWebhook is JS around a module's wasm checks; bound here to a plain glue module.
const snippets = new URL("../../pkg/snippets/", import.meta.url);
const { webhookVerifier } = await import(new URL(`${readdirSync(snippets)[0]}/src/js/verifier.js`, snippets));
const verifierOf = (m) => webhookVerifier({
  buffer: m.__peekerWebhookBuffer, key: m.__peekerWebhookKey, check: m.__peekerWebhookCheck, sign: m.__peekerWebhookSign,
  memory: () => m.initSync().memory, // initialised by the tests: gives its exports
});
const glueVerifier = verifierOf(glue);

const { PeekerError } = pp;
const huge = "x".repeat(10 * 1024 * 1024);
const cyclic = {};
cyclic.self = cyclic;
const deep = JSON.parse("[".repeat(5000) + "]".repeat(5000));
const BAD = [
  undefined, null, 0, -1, 1.5, NaN, Infinity, "", "str", huge, true, [], [1, 2], {}, { domains: 5 },
  { domains: null }, { domains: [null, 1, {}, []] }, { domains: Array.from({ length: 100_000 }, (_, i) => `d${i}.com`) },
  cyclic, deep, 10n, Symbol("s"), () => 1, new Map([["a", 1]]), new Date(0), new Uint8Array(4),
];

const calls = {
  validateOrder: (x) => pp.validateOrder(x),
  validateBundle: (x) => pp.validateBundle(x),
  validateAvailabilityRequest: (x) => pp.validateAvailabilityRequest(x),
  validateImport: (x) => pp.validateImport(x, x),
  validateForwarding: (x) => pp.validateForwarding(x),
  checkDomainSplit: (x) => pp.checkDomainSplit(x, x),
  planDomains: (x) => pp.planDomains({ google: 1, microsoft: 1 }, x),
  requiredDomains: (x) => pp.requiredDomains(x),
  buildRequest: (x) => pp.buildRequest("orders.create", x),
  buildRequestName: (x) => pp.buildRequest(x, x, x),
  verifyWebhook: (x) => pp.verifyWebhook(x, x, x, x),
  signWebhook: (x) => pp.signWebhook(x, x, x),
};

function expectGraceful(name, fn, input) {
  let result;
  try {
    result = fn(input);
  } catch (e) {
    assert.ok(e instanceof PeekerError, `${name}(${describe(input)}) threw ${e?.name}: ${e?.message}`);
    assert.equal(typeof e.code, "string");
    return;
  }
  if (Array.isArray(result)) {
    for (const p of result) assert.equal(typeof p.code, "string", name);
  }
}

function describe(x) {
  if (typeof x === "string") return `string(${x.length})`;
  if (typeof x === "bigint" || typeof x === "symbol" || typeof x === "function") return typeof x;
  return Object.prototype.toString.call(x);
}

test("every export, every bad input: problems or a PeekerError, never a trap", () => {
  for (const [name, fn] of Object.entries(calls)) {
    for (const input of BAD) expectGraceful(name, fn, input);
  }
  // The package still works afterwards.
  assert.deepEqual(pp.requiredDomains({ monthly_sending_volume: 25000 }).total, 19);
});

test("100,000 bad calls do not grow wasm memory", () => {
  // A second instance of the same module, whose memory this test can see:
  // the plain glue is a module of its own, initialised here by hand.
  const wasm = initSync({ module: readFileSync(new URL("../../pkg/peeker_partner_bg.wasm", import.meta.url)) });
  const small = BAD.filter((x) => x !== huge && x !== deep && !(x?.domains?.length > 1000));
  const calls = [
    (x) => glue.validateOrder(x),
    (x) => glue.buildRequest("orders.create", x),
    (x) => glue.checkDomainSplit(x, x),
    (x) => glueVerifier.verifyWebhook(x, x, x, x),
  ];
  const run = (n) => {
    let thrown = 0;
    for (let i = 0; i < n; i++) {
      try { calls[i % calls.length](small[i % small.length]); } catch { thrown++; }
    }
    return thrown;
  };
  run(2_000); // warm up: the allocator reaches its working size
  const before = wasm.memory.buffer.byteLength;
  const thrown = run(100_000);
  assert.ok(thrown > 0);
  assert.equal(wasm.memory.buffer.byteLength, before, "wasm memory grew");
});

test("the verifier-only module (its own allocator) does not grow over 100,000 verifications", async () => {
  const webhooks = await import("../../target/wasm-bindgen/peeker_webhooks/peeker_webhooks.js");
  const wasm = webhooks.initSync({ module: readFileSync(new URL("../../pkg/peeker_webhooks_bg.wasm", import.meta.url)) });
  const { verifyWebhook } = verifierOf(webhooks);
  const body = JSON.stringify({ id: "evt_1", type: "order.completed", created_at: "t", data: { pad: "x".repeat(2000) } });
  const headers = pp.signWebhook(body, "whsec_a", { timestamp: 100 });
  const bytes = new TextEncoder().encode(body);
  const inputs = [
    () => verifyWebhook(body, headers, "whsec_a", { now: 100 }),
    () => verifyWebhook(bytes, headers, ["whsec_b", "whsec_a"], { now: 100 }),
    () => verifyWebhook(body, headers, "whsec_wrong", { now: 100 }),
    () => verifyWebhook(body, { "Peeker-Signature": "v1=zz" }, "whsec_a"),
    () => verifyWebhook({ parsed: true }, headers, "whsec_a"),
  ];
  const run = (n) => {
    let verified = 0;
    for (let i = 0; i < n; i++) {
      try { inputs[i % inputs.length](); verified++; } catch { /* expected */ }
    }
    return verified;
  };
  run(2_000);
  const before = wasm.memory.buffer.byteLength;
  assert.equal(run(100_000), 40_000);
  assert.equal(wasm.memory.buffer.byteLength, before, "wasm memory grew");
});

