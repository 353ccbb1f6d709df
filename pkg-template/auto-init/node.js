
// ---- peeker-partner: Node entry. The module is compiled synchronously at
// import, from an inlined copy, so bundlers targeting Node need no asset step.
import __peeker_wasm_b64 from "./__STEM___bg.wasm.b64.js";
initSync({ module: Buffer.from(__peeker_wasm_b64, "base64") });
export * from "./errors.js";
export { watchEvents } from "./watch.js";
// Webhook HMACs by node:crypto (native SHA-256); the wasm checks everything else.
import { createHmac as __peeker_create_hmac } from "node:crypto";
import { useNativeHmac as __peeker_use_native_hmac } from "__JS_DIR__/native-hmac.js";
__peeker_use_native_hmac(__peeker_create_hmac);
// The webhook functions are JS around this module's wasm checks (one body
// copy, no async machinery in the wasm).
import { webhookVerifier as __peeker_webhook_verifier } from "__JS_DIR__/verifier.js";
export const { verifyWebhook, verifyWebhookAsync, signWebhook, handleWebhook } = __peeker_webhook_verifier({
  key: __peekerWebhookKey, body: __peekerWebhookBody, memory: __peekerWebhookMemory, check: __peekerWebhookCheck, error: __peekerWebhookError, sign: __peekerWebhookSign,
});
