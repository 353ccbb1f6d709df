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


test("the validate module (its own allocator) answers as the full one, and does not grow over 20,000 calls", async () => {
  const validate = await import("../../target/wasm-bindgen/peeker_validate/peeker_validate.js");
  const wasm = validate.initSync({ module: readFileSync(new URL("../../pkg/peeker_validate_bg.wasm", import.meta.url)) });
  const row = (i) => ({ domain: `acme-${i}.com`, available: i % 7 !== 0, price_cents: 1000 + ((i * 7919) % 900),
    usable_for: i % 5 === 0 ? ["google"] : ["google", "microsoft"] });
  const rows = (n) => Array.from({ length: n }, (_, i) => row(i));
  const order = (n) => ({ user: "client@example.com", bundle_id: "bun_1", forwarding_url: "https://acme.com",
    sequencer: { provider: "smartlead", client_id: 1, login_email: "ops@acme.com", login_password: "pw" },
    domains: Array.from({ length: n }, (_, i) => (i % 50 === 49 ? `acme-${i - 1}.com` : `acme-${i}.com`)),
    personas: [{ first_name: "A", last_name: "B", profile_picture_url: "" }] });
  const outcome = (f) => { try { return f(); } catch (e) { return { thrown: e.constructor.name, code: e.code, problems: e.problems }; } };
  const cases = [
    (m, n) => m.validateOrder(order(n)),
    (m, n) => m.planDomains({ google: n >> 2, microsoft: n >> 3 }, rows(n)),
    (m, n) => m.checkDomainSplit({ google: 3, microsoft: 1 }, rows(n % 9)),
    (m, n) => m.meterDomainSplit({ google: 3, microsoft: 1 }, rows(n % 9)),
    (m, n) => m.buildRequest("orders.create", order(n)),
    (m, n) => m.buildRequest("domains.list", { per_page: (n % 120) + 1, category: n % 2 ? "inventory" : "nope" }),
    (m, n) => m.requiredDomains({ monthly_sending_volume: 1000 * n + 1, google_percent: n % 101, microsoft_percent: 100 - (n % 101) }),
  ];
  // Sizes from 1 to 2,000, so blocks of every size class are taken and given back.
  const run = (calls, check) => {
    for (let i = 0; i < calls; i++) {
      const n = 1 + ((i * 7919) % (i % 10 === 0 ? 2000 : 60));
      const c = cases[i % cases.length];
      const got = outcome(() => c(validate, n));
      if (check) assert.deepEqual(got, outcome(() => c(pp, n)), `case ${i % cases.length}, n = ${n}`);
    }
  };
  run(700, true);
  const before = wasm.memory.buffer.byteLength;
  run(20_000, false);
  assert.equal(wasm.memory.buffer.byteLength, before, "wasm memory grew");
});
