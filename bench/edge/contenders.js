// The webhook verifiers compared at the edge (workerd and Chromium). Each does
// the whole job a receiver needs on the same signed body: read the headers,
// HMAC-SHA256 over "{timestamp}.{body}", compare, JSON.parse.
import Stripe from "stripe";

export const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const utf8 = new TextEncoder();

/** An event envelope padded to `size` bytes of JSON. */
export function eventBody(size) {
  const event = { id: "evt_01HZX0EV1A2B3C4D5E6F7G8H", object: "event", type: "order.completed",
    created_at: "2026-05-08T12:00:00Z", data: { object: {}, pad: "" } };
  event.data.pad = "x".repeat(Math.max(0, size - JSON.stringify(event).length));
  return JSON.stringify(event);
}

/**
 * name → a function doing one verification (sync, or returning a promise).
 * `pp` is the package entry under test ("peeker-partner/webhooks").
 */
export async function contenders(pp, size) {
  const body = eventBody(size);
  const id = JSON.parse(body).id;
  const now = Math.floor(Date.now() / 1000);
  const signed = pp.signWebhook(body, SECRET, { timestamp: now });
  const headers = new Headers({ "peeker-event-id": id, ...signed });
  const forged = new Headers({ "peeker-event-id": id, ...pp.signWebhook(body, "whsec_not_the_secret", { timestamp: now }) });

  const stripe = new Stripe("sk_test_bench");
  const provider = Stripe.createSubtleCryptoProvider();
  // Stripe signs the same "{t}.{body}" with the same HMAC: one MAC, two header formats.
  const stripeHeader = `t=${now},v1=${signed["Peeker-Signature"].slice(3)}`;

  const hmac = { name: "HMAC", hash: "SHA-256" };
  const importKey = () => crypto.subtle.importKey("raw", utf8.encode(SECRET), hmac, false, ["verify"]);
  const cachedKey = await importKey();
  // What a Worker author writes by hand with Web Crypto.
  const webCrypto = async (key) => {
    const hex = headers.get("peeker-signature").slice(3);
    const mac = new Uint8Array(32);
    for (let i = 0; i < 32; i++) mac[i] = parseInt(hex.substr(2 * i, 2), 16);
    const data = utf8.encode(`${headers.get("peeker-timestamp")}.${body}`);
    if (!(await crypto.subtle.verify("HMAC", key, mac, data))) throw new Error("signature mismatch");
    return JSON.parse(body);
  };
  const refused = (verify) => () => {
    try {
      verify();
    } catch (e) {
      return e;
    }
    throw new Error("a forged delivery was accepted");
  };
  const refusedAsync = (verify) => () =>
    verify().then(
      () => { throw new Error("a forged delivery was accepted"); },
      (e) => e,
    );

  const list = {
    "verifyWebhook": () => pp.verifyWebhook(body, headers, SECRET),
    "verifyWebhook, signature mismatch": refused(() => pp.verifyWebhook(body, forged, SECRET)),
    "checkWebhook": () => pp.checkWebhook(body, headers, SECRET),
    "checkWebhook, signature mismatch": () => {
      const checked = pp.checkWebhook(body, forged, SECRET);
      if (checked.ok) throw new Error("a forged delivery was accepted");
      return checked;
    },
    "verifyWebhookAsync": () => pp.verifyWebhookAsync(body, headers, SECRET),
    "verifyWebhookAsync, signature mismatch": refusedAsync(() => pp.verifyWebhookAsync(body, forged, SECRET)),
    "stripe constructEventAsync (SubtleCrypto)": () =>
      stripe.webhooks.constructEventAsync(body, stripeHeader, SECRET, undefined, provider),
    "Web Crypto HMAC, key imported each call": async () => webCrypto(await importKey()),
    "Web Crypto HMAC, key cached": () => webCrypto(cachedKey),
    "JSON.parse of the body alone": () => JSON.parse(body),
    // The HMAC in wasm (and its hex), without header reading or JSON.parse:
    // what the wasm SHA-256 costs here, against the native one under Web Crypto.
    "signWebhook": () => pp.signWebhook(body, SECRET, { timestamp: now }),
  };
  if (!pp.verifyWebhookAsync) {
    delete list["verifyWebhookAsync"];
    delete list["verifyWebhookAsync, signature mismatch"];
  }
  // Each must do its job before it is timed.
  for (const [name, run] of Object.entries(list)) {
    const out = await run();
    if (out === undefined) throw new Error(`${name} returned nothing`);
  }
  return list;
}

/** Milliseconds for `calls` calls of `run` (promises awaited one by one). */
export async function timeCalls(run, calls) {
  const start = performance.now();
  for (let i = 0; i < calls; i++) {
    const out = run();
    if (typeof out?.then === "function") await out;
  }
  return performance.now() - start;
}

/**
 * Interleaved rounds: every round runs each contender once, in a rotating
 * order; the first round is warm-up. `timeOne(name)` → ms for `calls` calls.
 * Returns name → median µs per call. 10,000 calls a sample: workerd's timer
 * advances in whole milliseconds, so a sample resolves 0.1 µs a call.
 */
export async function interleaved(names, timeOne, { rounds = 15, calls = 10_000 } = {}) {
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r <= rounds; r++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + r) % names.length];
      const ms = await timeOne(name, calls);
      if (r > 0) samples[name].push((ms * 1000) / calls);
    }
  }
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return Object.fromEntries(names.map((n) => [n, median(samples[n])]));
}

/**
 * Bench table rows ({measure, value, peer, ratio, goal, ok}) for one runtime:
 * each contender, the ratios with their targets, and, where a target is not
 * met and the parts of a verification were timed (bench/edge/parts.js), the
 * breakdown of verifyWebhook into them. The targets hold for a runtime with no
 * debugger attached (`targets`); elsewhere the ratios are shown alone.
 */
export function edgeRows(runtime, size, us, { targets = true } = {}) {
  const fmt = (v) => `${v.toFixed(1)} µs`;
  const rows = [];
  const kb = `${size / 1024} KB`;
  const row = (measure, value, peer = "", ratio = "", goal = "", ok = "") =>
    rows.push({ measure: `${runtime} ${kb}: ${measure}`, value, peer, ratio, goal, ok });
  const isPart = (name) => name.startsWith("part: ");
  for (const [name, v] of Object.entries(us)) if (!isPart(name)) row(name, fmt(v));
  let missed = false;
  const against = (name, peer, target) => {
    if (us[name] === undefined || us[peer] === undefined) return;
    const goal = targets ? target : undefined;
    const r = us[name] / us[peer];
    if (goal && r > goal) missed = true;
    row(`  ${name} / ${peer}`, fmt(us[name]), `${fmt(us[peer])}`, `${r.toFixed(2)}×`,
      goal ? `≤ ${goal}×` : "", goal ? (r <= goal ? "yes" : "NO") : "");
  };
  const STRIPE = "stripe constructEventAsync (SubtleCrypto)";
  const WEB_CRYPTO = "Web Crypto HMAC, key cached";
  against("verifyWebhook", STRIPE, 0.5);
  against("verifyWebhook", WEB_CRYPTO, 1.0);
  // A refusal costs what an acceptance costs: thrown (verifyWebhook, whose
  // refusals capture no stack) or as a value (checkWebhook, which
  // handleWebhook uses).
  against("verifyWebhook, signature mismatch", "verifyWebhook", 1.1);
  against("checkWebhook, signature mismatch", "checkWebhook", 1.1);
  against("verifyWebhookAsync", WEB_CRYPTO);
  against("verifyWebhookAsync", STRIPE);

  const parts = Object.entries(us).filter(([name]) => isPart(name));
  if (missed && parts.length > 0) {
    const ours = us["verifyWebhook"];
    const share = (v) => `${Math.round((100 * v) / ours)}% of it`;
    // The parts verifyWebhook is made of; the Web Crypto HMAC is the native peer of the wasm one.
    const inside = ["read the three headers", "body into wasm memory", "wasm HMAC-SHA256 of the body", "envelope"];
    let sum = 0;
    for (const [name, v] of parts) {
      const counted = inside.some((part) => name.startsWith(`part: ${part}`));
      if (counted) sum += v;
      row(`  breakdown of verifyWebhook, ${name}`, fmt(v), `verifyWebhook ${fmt(ours)}`, counted ? share(v) : "");
    }
    row("  breakdown of verifyWebhook, the rest (JS glue: inputs, secrets, options, result)", fmt(ours - sum),
      `verifyWebhook ${fmt(ours)}`, share(ours - sum));
  }
  return rows;
}
