// `cargo xtask bench`: one table, every number measured in this run, each
// speed next to a peer measured on the same bytes in the same process.

import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { createHmac, timingSafeEqual } from "node:crypto";
import Stripe from "stripe";
import { Webhook as StandardWebhook } from "standardwebhooks";
import * as pp from "peeker-partner";
import * as ppWebhooks from "peeker-partner/webhooks";
import { clientRows } from "./client.mjs";
import { bundledSizeRows, edgeBenchRows } from "./edge.mjs";
import { printTable } from "./table.mjs";
import { printStartup } from "./startup.mjs";

const rows = [];
const row = (measure, value, peer = "", ratio = "", goal = "", ok = "") =>
  rows.push({ measure, value, peer, ratio, goal, ok });
const us = (ns) => `${(ns / 1000).toFixed(1)} µs`;
const ms = (ns) => `${(ns / 1e6).toFixed(3)} ms`;

/** Median nanoseconds per call of `fn`, over `rounds` timed batches. */
function median(fn, { batch = 100, rounds = 25, warmup = 3 } = {}) {
  // Long enough for V8 to tier wasm and JS up alike.
  for (let i = 0; i < Math.max(warmup * batch, 2000); i++) fn();
  const samples = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) fn();
    samples.push(Number(process.hrtime.bigint() - start) / batch);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

/**
 * Median nanoseconds per call of each function in `fns` (name → fn), timed
 * interleaved: every round runs one batch of each, in a rotating order, so a
 * busy moment of the machine slows all of them alike.
 */
function interleavedMedians(fns, { batch = 200, rounds = 25 } = {}) {
  const names = Object.keys(fns);
  for (const name of names) for (let i = 0; i < Math.max(3 * batch, 2000); i++) fns[name]();
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + r) % names.length];
      const fn = fns[name];
      const start = process.hrtime.bigint();
      for (let i = 0; i < batch; i++) fn();
      samples[name].push(Number(process.hrtime.bigint() - start) / batch);
    }
  }
  return Object.fromEntries(names.map((n) => {
    const xs = samples[n].sort((a, b) => a - b);
    return [n, xs[Math.floor(xs.length / 2)]];
  }));
}

async function medianAsync(fn, { batch = 50, rounds = 20 } = {}) {
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

// ---- sizes -----------------------------------------------------------------
// Each entry as a bundler emits it for a page: esbuild, minified, the JS with
// its inlined wasm, gzip -9 (1 KB = 1,000 bytes).
// validate and the whole package inline their raw wasm: more bytes, far less
// start-up on a phone (see the start-up table below).
const BUDGETS = { "peeker-partner/webhooks": 12_000, "peeker-partner/validate": 230_000, "peeker-partner": 320_000 };
for (const [entry, budget] of Object.entries(BUDGETS)) {
  const out = await esbuild.build({
    stdin: { contents: `export * from "${entry}";`, resolveDir: fileURLToPath(new URL(".", import.meta.url)) },
    bundle: true, minify: true, format: "esm", platform: "browser", write: false, logLevel: "error",
  });
  const bytes = out.outputFiles[0].contents;
  const gz = gzipSync(bytes, { level: 9 }).length;
  row(`${entry}: esbuild --minify, JS + wasm (raw / gzip)`, `${(bytes.length / 1000).toFixed(1)} KB / ${(gz / 1000).toFixed(1)} KB`,
    "", "", `≤ ${budget / 1000} KB gzip`, gz <= budget ? "yes" : "NO");
}

// ---- core ------------------------------------------------------------------
const avail = (i, usable_for = ["google", "microsoft"]) => ({
  domain: `acme-mail-${i}.com`, available: true, price_cents: 1000 + ((i * 7919) % 900),
  renewal_price_cents: 1500, currency: "usd", usable_for,
});
const order500 = {
  user: "client@example.com",
  bundle_id: "bun_01HZX0BU1A2B3C4D5E6F7G8H",
  sequencer: { provider: "smartlead", client_id: 366903, login_email: "ops@acme.com", login_password: "pw" },
  forwarding_url: "https://acme.com",
  domains: Array.from({ length: 500 }, (_, i) => `acme-mail-${i}.com`),
  personas: Array.from({ length: 10 }, (_, i) => ({ first_name: `P${i}`, last_name: "Lee", profile_picture_url: "" })),
};
const copy = (x) => JSON.parse(JSON.stringify(x));
const floorOrder = median(() => copy(order500));
const tOrder = median(() => pp.validateOrder(order500));
row("validateOrder, 500 domains (median)", ms(tOrder), `JSON copy ${ms(floorOrder)}`, `${(tOrder / floorOrder).toFixed(1)}×`,
  "≤ 1 ms", tOrder <= 1e6 ? "yes" : "NO");

const rows10k = Array.from({ length: 10_000 }, (_, i) => avail(i, i % 5 === 0 ? ["google"] : ["google", "microsoft"]));
const floorRows = median(() => copy(rows10k), { batch: 3, rounds: 15 });
const tPlan = median(() => pp.planDomains({ google: 400, microsoft: 100 }, rows10k), { batch: 3, rounds: 15 });
row("planDomains, 10,000 rows (median)", ms(tPlan), `JSON copy ${ms(floorRows)}`, `${(tPlan / floorRows).toFixed(1)}×`,
  "≤ 10 ms", tPlan <= 10e6 ? "yes" : "NO");

const picks = Array.from({ length: 500 }, (_, i) => avail(i, i < 400 ? ["google", "microsoft"] : ["google"]));
const floorPicks = median(() => copy(picks));
const tSplit = median(() => pp.checkDomainSplit({ google: 400, microsoft: 100 }, picks));
row("checkDomainSplit, 500 picks (median)", ms(tSplit), `JSON copy ${ms(floorPicks)}`, `${(tSplit / floorPicks).toFixed(1)}×`);

// ---- webhook verification ----------------------------------------------------
// Each verifier on its own scheme, over the same body bytes.
const stripe = new Stripe("sk_test_bench");
const subtle = Stripe.createSubtleCryptoProvider();
const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
for (const size of [1024, 20 * 1024]) {
  const event = { id: "evt_01HZX0EV1A2B3C4D5E6F7G8H", object: "event", type: "order.completed", created_at: "2026-05-08T12:00:00Z", data: { object: {}, pad: "" } };
  event.data.pad = "x".repeat(Math.max(0, size - JSON.stringify(event).length));
  const body = JSON.stringify(event);
  const kb = `${size / 1024} KB`;
  const now = Math.floor(Date.now() / 1000);

  const headers = { "peeker-event-id": event.id, ...pp.signWebhook(body, secret, { timestamp: now }) };
  const stripeHeader = stripe.webhooks.generateTestHeaderString({ payload: body, secret });
  const swSecret = `whsec_${Buffer.from("standard-webhooks-bench-key-0123").toString("base64")}`;
  const sw = new StandardWebhook(swSecret);
  const msgId = "msg_1";
  const swHeaders = { "webhook-id": msgId, "webhook-timestamp": String(now), "webhook-signature": sw.sign(msgId, new Date(now * 1000), body) };
  const key = Buffer.from(secret);
  const expected = Buffer.from(createHmac("sha256", key).update(`${now}.${body}`).digest("hex"));

  const t = interleavedMedians({
    ours: () => pp.verifyWebhook(body, headers, secret),
    oursSmall: () => ppWebhooks.verifyWebhook(body, headers, secret),
    stripe: () => stripe.webhooks.constructEvent(body, stripeHeader, secret),
    standardwebhooks: () => sw.verify(body, swHeaders),
    raw: () => {
      const mac = Buffer.from(createHmac("sha256", key).update(`${now}.${body}`).digest("hex"));
      return timingSafeEqual(mac, expected) && JSON.parse(body);
    },
  });
  const { ours, oursSmall, stripe: tStripe, standardwebhooks: tSw, raw: tRaw } = t;
  const tStripeAsync = await medianAsync(() => stripe.webhooks.constructEventAsync(body, stripeHeader, secret, undefined, subtle));

  const tAsync = await medianAsync(() => pp.verifyWebhookAsync(body, headers, secret));

  const ratio = (peer) => `${(ours / peer).toFixed(2)}×`;
  const at1k = size === 1024;
  row(`verifyWebhook ${kb} (peeker-partner)`, us(ours), `stripe constructEvent ${us(tStripe)}`, ratio(tStripe),
    at1k ? "≤ 1.1×" : "", at1k ? (ours <= 1.1 * tStripe ? "yes" : "NO") : "");
  row(`verifyWebhook ${kb} (peeker-partner/webhooks)`, us(oursSmall), `stripe constructEvent ${us(tStripe)}`,
    `${(oursSmall / tStripe).toFixed(2)}×`, at1k ? "≤ 1.1×" : "", at1k ? (oursSmall <= 1.1 * tStripe ? "yes" : "NO") : "");
  row(`  vs standardwebhooks (pure JS) ${kb}`, us(ours), `standardwebhooks ${us(tSw)}`, `${(tSw / ours).toFixed(1)}× faster`,
    at1k ? "≥ 3× faster" : "", at1k ? (tSw >= 3 * ours ? "yes" : "NO") : "");
  row(`  vs stripe WebCrypto (constructEventAsync) ${kb}`, us(ours), `stripe subtle ${us(tStripeAsync)}`, `${(tStripeAsync / ours).toFixed(1)}× faster`,
    at1k ? "≥ 5× faster" : "", at1k ? (tStripeAsync >= 5 * ours ? "yes" : "NO") : "");
  row(`  verifyWebhookAsync ${kb} (node:crypto underneath)`, us(tAsync), `verifyWebhook ${us(ours)}`, `${(tAsync / ours).toFixed(2)}×`);
  row(`  floor: raw node:crypto HMAC + JSON.parse ${kb}`, us(ours), `node:crypto ${us(tRaw)}`, ratio(tRaw));
}

// ---- the verifier-only entry as a bundler emits it -------------------------------
rows.push(...(await bundledSizeRows()));

// ---- webhook verification at the edge: workerd and headless Chromium -------------
rows.push(...(await edgeBenchRows()));

// ---- the client against peeker-sandbox on loopback ----------------------------
rows.push(...(await clientRows()));

// ---- print -------------------------------------------------------------------
printTable(rows);
// ---- page start-up in a throttled browser, its own table ------------------------
await printStartup();
console.log(`\nNode ${process.version}, ${new Date().toISOString()}; medians of timed batches.`);
