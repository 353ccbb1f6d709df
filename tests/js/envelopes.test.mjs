// The JS envelope check agrees with the Rust one (tests/webhook.rs) on the
// shared vectors in tests/resources/webhook_envelopes.json.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as full from "peeker-partner";
import * as small from "peeker-partner/webhooks";

const { vectors } = JSON.parse(readFileSync(new URL("../resources/webhook_envelopes.json", import.meta.url), "utf8"));
const SECRET = "whsec_vectors";
const NOW = 1_700_000_000;

for (const [name, api] of [["peeker-partner", full], ["peeker-partner/webhooks", small]]) {
  test(`envelope vectors through verifyWebhook (${name})`, () => {
    assert.ok(vectors.length >= 10);
    for (const v of vectors) {
      const headers = api.signWebhook(v.body, SECRET, { timestamp: NOW });
      let outcome;
      try {
        api.verifyWebhook(v.body, headers, SECRET, { now: NOW });
        outcome = "ok";
      } catch (e) {
        outcome = e.code;
      }
      assert.equal(outcome, v.ok ? "ok" : "invalid_payload", v.name);
    }
  });
}

test("isKnownEvent tells the types this version knows", () => {
  assert.equal(full.isKnownEvent({ type: "order.completed" }), true);
  assert.equal(small.isKnownEvent({ type: "order.completed" }), true);
  assert.equal(full.isKnownEvent({ type: "order.exploded" }), false);
  assert.equal(full.isKnownEvent(null), false);
});
