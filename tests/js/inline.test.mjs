// The wasm the browser builds inline (pkg/*_bg.wasm.hex.js) is the shipped
// .wasm, and the builds decode it both with the engine's decoder and without
// one: Jest with jsdom runs the browser builds in Node, which before 25 has
// no `Uint8Array.fromHex`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { signWebhook } from "peeker-partner/webhooks";

const PKG = new URL("../../pkg/", import.meta.url);

test("every browser build's inlined wasm is its .wasm in hex", async () => {
  const inlined = readdirSync(PKG).filter((f) => f.endsWith("_bg.wasm.hex.js")).sort();
  assert.deepEqual(inlined, ["peeker_partner_bg.wasm.hex.js", "peeker_validate_bg.wasm.hex.js", "peeker_webhooks_bg.wasm.hex.js"]);
  for (const file of inlined) {
    const { default: text } = await import(new URL(file, PKG));
    assert.match(text, /^(?:[0-9a-f]{2})+$/, file);
    assert.deepEqual(Buffer.from(text, "hex"), readFileSync(new URL(file.replace(".hex.js", ""), PKG)), file);
  }
});

test("the browser builds run where the engine has no native hex decoder", async (t) => {
  // The builds decode on their first call: without the engine's decoder then.
  const had = Object.getOwnPropertyDescriptor(Uint8Array, "fromHex");
  delete Uint8Array.fromHex;
  if (had) t.after(() => Object.defineProperty(Uint8Array, "fromHex", had));
  const { verifyWebhook } = await import(new URL("webhooks.browser.js", PKG));
  const body = JSON.stringify({ id: "evt_1", object: "event", type: "order.completed", created_at: "2026-05-08T12:00:00Z", data: { object: {} } });
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  assert.equal(verifyWebhook(body, signWebhook(body, secret), secret).type, "order.completed");
  const { validateOrder } = await import(new URL("validate.browser.js", PKG));
  assert.ok(Array.isArray(validateOrder({})));
});
