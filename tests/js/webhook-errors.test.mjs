// The caller's mistakes named where they happen, every message linking its
// code's section of docs/errors.md, diagnoseWebhook, and handleWebhook's
// onError with the diagnosis.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as full from "peeker-partner";
import * as small from "peeker-partner/webhooks";
import { SECRET, NOW, BODY, EVENT } from "./webhook-scenarios.mjs";

const DOCS = "https://github.com/peeker/peeker-partner/blob/main/docs/errors.md";
const FIXES = ['Express: express.raw({ type: "application/json" })', "Next.js: await request.text()", "Hono: await c.req.text()"];
const signed = (body = BODY, ts = NOW, secret = SECRET) => ({ "Peeker-Event-Id": EVENT.id, ...full.signWebhook(body, secret, { timestamp: ts }) });

const MISTAKES = [
  ["undefined", undefined, /^the body is undefined: nothing read it; pass the raw body \(/],
  ["null", null, /^the body is null: nothing read it; pass the raw body \(/],
  ["an empty object", {}, /^the body is an empty object: nothing read it; pass the raw body \(/],
  ["a parsed object", JSON.parse(BODY), /^the body is a parsed object, not the raw text; pass the raw body \(/],
];

for (const [entry, api] of [["peeker-partner", full], ["peeker-partner/webhooks", small]]) {
  for (const [name, body, says] of MISTAKES) {
    test(`verifyWebhook names a body that is ${name}, with each framework's fix (${entry})`, () => {
      const named = (e) => {
        assert.equal(e.code, "invalid_payload");
        assert.match(e.message, says);
        for (const fix of FIXES) assert.ok(e.message.includes(fix), `${fix} in ${e.message}`);
        assert.ok(e.message.endsWith(`; see ${DOCS}#invalid_payload`), e.message);
        return true;
      };
      for (const call of [api.verifyWebhook, ...(api.diagnoseWebhook ? [api.diagnoseWebhook] : [])]) {
        assert.throws(() => call(body, signed(), SECRET, { now: NOW }), (e) => e instanceof api.WebhookVerificationError && named(e));
      }
      const refused = api.checkWebhook(body, signed(), SECRET, { now: NOW });
      assert.equal(refused.ok, false);
      named(refused);
    });
  }
}

test("the four body mistakes have four messages", () => {
  const messages = MISTAKES.map(([, body]) => {
    try {
      full.verifyWebhook(body, signed(), SECRET, { now: NOW });
    } catch (e) {
      return e.message;
    }
  });
  assert.equal(new Set(messages).size, 4);
});

for (const [entry, api] of [["peeker-partner", full], ["peeker-partner/webhooks", small]]) {
  test(`handleWebhook given no Fetch Request says what to pass, in Hono and Express (${entry})`, async () => {
    const expressReq = { method: "POST", headers: { "content-type": "application/json" }, body: {} };
    for (const request of [undefined, null, {}, expressReq]) {
      await assert.rejects(api.handleWebhook(request, { secret: SECRET, onEvent() {} }), (e) => {
        assert.ok(e instanceof api.PeekerError);
        assert.equal(e.code, "invalid_request");
        for (const words of ["Fetch API Request", "Hono: c.req.raw", "Express: verifyWebhook"]) {
          assert.ok(e.message.includes(words), words);
        }
        return true;
      });
    }
  });
}

test("every message ends with its code's link; checkWebhook's refusals too, once", () => {
  const stale = signed(BODY, NOW - 3600);
  assert.throws(() => full.verifyWebhook(BODY, stale, SECRET, { now: NOW }), (e) =>
    e.message === `Peeker-Timestamp is 3600 s old, beyond the 300 s tolerance; a replay, or this machine's clock is off; see ${DOCS}#timestamp_out_of_range`);
  const refused = small.checkWebhook(BODY, stale, SECRET, { now: NOW });
  assert.ok(refused.message.endsWith(`; see ${DOCS}#timestamp_out_of_range`));
  assert.equal(refused.message.split(DOCS).length, 2, "the link once");
  assert.throws(() => full.verifyWebhook(BODY, signed(), "", { now: NOW }), (e) => e.message.endsWith(`#invalid_secret`));
  assert.throws(() => full.checkDomainSplit({ google: 1, microsoft: 0 }, [7]),
    (e) => e instanceof full.ValidationError && e.message.endsWith(`; see ${DOCS}#validation_failed`));
  const made = new full.PeekerError("by hand", "internal_error");
  assert.equal(made.message, `by hand; see ${DOCS}#internal_error`);
});

test("diagnoseWebhook names the cause and never a secret", () => {
  const ok = full.diagnoseWebhook(BODY, signed(), SECRET, { now: NOW });
  assert.deepEqual(ok, { verified: true, causes: [] });

  const pretty = JSON.stringify(EVENT, null, 2);
  const reserialised = full.diagnoseWebhook(pretty, signed(), SECRET, { now: NOW });
  assert.equal(reserialised.verified, false);
  assert.equal(reserialised.failedCheck, "signature_mismatch");
  assert.equal(reserialised.causes[0].cause, "body_reserialised");
  assert.equal(reserialised.causes[0].confirmed, true);
  assert.match(reserialised.causes[0].message, /re-serialised/);

  const skewed = full.diagnoseWebhook(BODY, signed(), SECRET, { now: NOW + 3600 });
  assert.equal(skewed.failedCheck, "timestamp_out_of_range");
  const skew = skewed.causes.find((c) => c.cause === "clock_skew");
  assert.equal(skew.skew_secs, 3600);
  assert.match(skew.message, /3600 s in the past/);

  const padded = full.diagnoseWebhook(BODY, signed(), [`${SECRET}\n`], { now: NOW });
  assert.deepEqual(padded.causes.map((c) => c.cause), ["secret_whitespace"]);
  const headers = new Headers(signed());
  const unset = full.diagnoseWebhook(new TextEncoder().encode(BODY), headers, undefined, { now: NOW });
  assert.deepEqual([unset.failedCheck, unset.causes[0].cause], ["invalid_secret", "secret_empty"]);

  for (const d of [ok, reserialised, skewed, padded, unset]) {
    const text = JSON.stringify(d);
    assert.ok(!text.includes(SECRET) && !text.includes(signed()["Peeker-Signature"].slice(3, 20)), text);
  }
});

const delivery = (body, headers, init = {}) =>
  new Request("http://127.0.0.1/webhooks/peeker", { method: "POST", body, headers, ...init });

for (const [entry, api] of [["peeker-partner", full], ["peeker-partner/webhooks", small]]) {
  test(`handleWebhook's onError gets why, with the diagnosis; the sender gets nothing more (${entry})`, async () => {
    const now = Math.floor(Date.now() / 1000);
    const errors = [];
    const options = { secret: SECRET, onEvent() {}, onError: (error, request) => errors.push([error, request]) };

    const ok = await api.handleWebhook(delivery(BODY, signed(BODY, now)), options);
    assert.equal(ok.status, 200);
    assert.equal(errors.length, 0);

    const request = delivery(JSON.stringify(EVENT, null, 2), signed(BODY, now));
    const refused = await api.handleWebhook(request, options);
    assert.equal(refused.status, 401);
    assert.deepEqual(await refused.json(), { error: { code: "signature_mismatch", message: "the delivery could not be verified" } });
    const [[error, seen]] = errors;
    assert.equal(seen, request);
    assert.ok(error instanceof api.WebhookVerificationError);
    assert.equal(error.code, "signature_mismatch");
    assert.match(error.message, /no v1 signature matches the body/);
    // In Node both entries diagnose (the verifier's loads the main wasm on the first refusal).
    assert.equal(error.diagnosis.causes[0].cause, "body_reserialised");

    errors.length = 0;
    const stale = await api.handleWebhook(delivery(BODY, signed(BODY, now - 3600)), options);
    assert.equal(stale.status, 401);
    assert.ok(errors[0][0].diagnosis.causes.some((c) => c.cause === "clock_skew" && c.signature_ok));

    errors.length = 0;
    const big = "x".repeat(1024 * 1024 + 1);
    const oversize = await api.handleWebhook(delivery(big, signed(big, now)), options);
    assert.equal(oversize.status, 413);
    assert.deepEqual([errors[0][0].code, errors[0][0].diagnosis], ["payload_too_large", undefined]);
    const get = await api.handleWebhook(new Request("http://127.0.0.1/", { method: "GET" }), options);
    assert.equal(get.status, 405);
    assert.equal(errors.length, 1, "a GET is no delivery: no onError");

    const throwing = await api.handleWebhook(delivery(BODY, {}), { ...options, onError: () => { throw new Error("log down"); } });
    assert.equal(throwing.status, 400, "a throwing onError changes no answer");
    await assert.rejects(api.handleWebhook(delivery(BODY, {}), { ...options, onError: "log" }), { code: "invalid_request", field: "onError" });
  });
}
