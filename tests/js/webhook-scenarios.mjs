// The verification scenario set (standard-webhooks / svix style), written once
// and run in Node and in headless Chromium against `verifyWebhook` (and
// `verifyWebhookAsync`: `runScenariosAsync`).
// Each case returns null when it behaves, or a description of what went wrong
// (or a promise of that, for the async verifier).

const SECRET = "whsec_test_0123456789";
const NOW = 1_778_241_600; // 2026-05-08T12:00:00Z
const EVENT = {
  id: "evt_01HZX0EV1A2B3C4D5E6F7G8H",
  type: "order.in_progress",
  created_at: "2026-05-08T12:00:00Z",
  data: { id: "ord_01HZX0OR1A2B3C4D5E6F7G8H", status: "in_progress", note: "Grüße, 注文 ✅" },
};
const BODY = JSON.stringify(EVENT);

export function scenarios({ verifyWebhook, signWebhook, PeekerError }) {
  const sign = (body = BODY, ts = NOW, secret = SECRET) => signWebhook(body, secret, { timestamp: ts });
  const headers = (over = {}, body = BODY, ts = NOW) => {
    const h = sign(body, ts);
    return { "Peeker-Event-Id": EVENT.id, ...h, ...over };
  };
  const hex = () => headers()["Peeker-Signature"].slice(3);
  const verify = (body, h, secret = SECRET, options = { now: NOW }) => verifyWebhook(body, h, secret, options);

  const passes = (name, fn) => [name, () => then(fn(), (event) => {
    if (event?.id !== EVENT.id) return `expected the event, got ${JSON.stringify(event)}`;
    return null;
  })];
  const fails = (name, code, fn) => [name, () => {
    const refused = (e) => {
      if (!(e instanceof PeekerError) || e.name !== "WebhookVerificationError") return `threw ${e?.name}: ${e?.message}`;
      if (e.code !== code) return `expected ${code}, got ${e.code}: ${e.message}`;
      if (e.message.includes(SECRET) || e.message.includes(hex())) return "the message leaks a secret or signature";
      return null;
    };
    const verified = () => `expected ${code}, but it verified`;
    let out;
    try {
      out = fn();
    } catch (e) {
      return refused(e);
    }
    return typeof out?.then === "function" ? out.then(verified, refused) : verified();
  }];
  const without = (name) => {
    const h = headers();
    delete h[name];
    return h;
  };

  return [
    passes("valid delivery", () => verify(BODY, headers())),
    passes("bytes (Uint8Array) payload", () => verify(new TextEncoder().encode(BODY), headers())),
    passes("ArrayBuffer payload", () => verify(new TextEncoder().encode(BODY).buffer, headers())),
    passes("Headers object, lower-case names", () => verify(BODY, new Headers(Object.entries(headers()).map(([k, v]) => [k.toLowerCase(), v])))),
    passes("plain object, upper-case names", () => verify(BODY, Object.fromEntries(Object.entries(headers()).map(([k, v]) => [k.toUpperCase(), v])))),
    passes("event id header absent", () => verify(BODY, without("Peeker-Event-Id"))),
    passes("plain object, other headers unread (a throwing getter among them)", () => {
      const h = { host: "example.com", "content-type": "application/json", ...headers() };
      Object.defineProperty(h, "x-unreadable", { enumerable: true, get() { throw new Error("read"); } });
      return verify(BODY, h);
    }),
    // Names fold ASCII letters only, as the Rust core compares them: a Kelvin
    // sign (which toLowerCase folds to k) does not name Peeker-Signature.
    fails("plain object, Kelvin sign in the name", "missing_header", () => {
      const h = without("Peeker-Signature");
      h["PEE\u212AER-SIGNATURE"] = headers()["Peeker-Signature"];
      return verify(BODY, h);
    }),
    fails("missing Peeker-Signature", "missing_header", () => verify(BODY, without("Peeker-Signature"))),
    fails("missing Peeker-Timestamp", "missing_header", () => verify(BODY, without("Peeker-Timestamp"))),
    fails("timestamp abc", "invalid_header", () => verify(BODY, headers({ "Peeker-Timestamp": "abc" }))),
    fails("timestamp -1", "invalid_header", () => verify(BODY, headers({ "Peeker-Timestamp": "-1" }))),
    fails("timestamp 1.5", "invalid_header", () => verify(BODY, headers({ "Peeker-Timestamp": "1.5" }))),
    passes("exactly +tolerance", () => verify(BODY, headers({}, BODY, NOW + 300))),
    passes("exactly -tolerance", () => verify(BODY, headers({}, BODY, NOW - 300))),
    fails("1 s beyond +tolerance", "timestamp_out_of_range", () => verify(BODY, headers({}, BODY, NOW + 301))),
    fails("1 s beyond -tolerance", "timestamp_out_of_range", () => verify(BODY, headers({}, BODY, NOW - 301))),
    passes("custom tolerance", () => verify(BODY, headers({}, BODY, NOW - 600), SECRET, { now: NOW, toleranceSeconds: 600 })),
    fails("v1= empty", "invalid_header", () => verify(BODY, headers({ "Peeker-Signature": "v1=" }))),
    fails("v1 truncated", "invalid_header", () => verify(BODY, headers({ "Peeker-Signature": `v1=${hex().slice(0, -1)}` }))),
    fails("only v2=", "signature_mismatch", () => verify(BODY, headers({ "Peeker-Signature": `v2=${hex()}` }))),
    passes("several signatures, valid last", () => verify(BODY, headers({ "Peeker-Signature": `v1=${"0".repeat(64)},v2=abc,v1=${hex()}` }))),
    passes("several signatures, valid first", () => verify(BODY, headers({ "Peeker-Signature": `v1=${hex()},v1=${"0".repeat(64)}` }))),
    passes("whitespace around entries", () => verify(BODY, headers({ "Peeker-Signature": `  v1=${"f".repeat(64)} ,\tv1=${hex()}  ` }))),
    passes("upper-case hex (same digest)", () => verify(BODY, headers({ "Peeker-Signature": `v1=${hex().toUpperCase()}` }))),
    passes("two secrets, old one signed", () => verify(BODY, headers(), ["whsec_new", SECRET])),
    passes("two secrets, new one signed", () => {
      const h = { "Peeker-Event-Id": EVENT.id, ...sign(BODY, NOW, "whsec_new") };
      return verify(BODY, h, [SECRET, "whsec_new"]);
    }),
    fails("wrong secret", "signature_mismatch", () => verify(BODY, headers(), "whsec_other")),
    fails("empty secret", "invalid_secret", () => verify(BODY, headers(), "")),
    fails("empty secret list", "invalid_secret", () => verify(BODY, headers(), [])),
    fails("body re-serialised", "signature_mismatch", () => verify(JSON.stringify(EVENT, null, 2), headers())),
    fails("trailing newline", "signature_mismatch", () => verify(`${BODY}\n`, headers())),
    fails("tampered body", "signature_mismatch", () => verify(BODY.replace("in_progress", "completed"), headers())),
    fails("parsed object passed", "invalid_payload", () => verify(EVENT, headers())),
    fails("event id mismatch", "event_id_mismatch", () => verify(BODY, headers({ "Peeker-Event-Id": "evt_other" }))),
    fails("signed non-JSON body", "invalid_payload", () => verify("not json", headers({}, "not json"))),
    passes("unknown event type is kept", () => {
      const body = JSON.stringify({ ...EVENT, type: "order.teleported" });
      return then(verify(body, headers({}, body)), (event) => (event.type === "order.teleported" ? event : null));
    }),
    passes("UTF-8 payload round-trips", () =>
      then(verify(BODY, headers()), (event) => (event.data.note === "Grüße, 注文 ✅" ? event : null))),
    passes("UTF-8 bytes payload round-trips", () =>
      then(verify(new TextEncoder().encode(BODY), headers()), (event) => (event.data.note === "Grüße, 注文 ✅" ? event : null))),
  ];
}

/** `f(value)`, after `value` settles when it is a promise. */
const then = (value, f) => (typeof value?.then === "function" ? value.then(f) : f(value));

export function runScenarios(api) {
  const failures = [];
  let count = 0;
  for (const [name, run] of scenarios(api)) {
    count++;
    let outcome;
    try {
      outcome = run();
    } catch (e) {
      outcome = `threw ${e?.name}: ${e?.message}`;
    }
    if (outcome) failures.push(`${name}: ${outcome}`);
  }
  return { count, failures };
}

/** The same set through `verifyWebhookAsync`. */
export async function runScenariosAsync(api) {
  const failures = [];
  let count = 0;
  for (const [name, run] of scenarios({ ...api, verifyWebhook: api.verifyWebhookAsync })) {
    count++;
    let outcome;
    try {
      outcome = await run();
    } catch (e) {
      outcome = `threw ${e?.name}: ${e?.message}`;
    }
    if (outcome) failures.push(`${name}: ${outcome}`);
  }
  return { count, failures };
}

export { SECRET, NOW, EVENT, BODY };
