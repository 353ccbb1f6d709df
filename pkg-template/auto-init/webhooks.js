export { isKnownEvent } from "__JS_DIR__/envelope.js";
// The webhook functions are JS around this module's wasm checks (one body
// copy, no async machinery in the wasm; the wasm calls take numbers only).
import { webhookVerifier as __peeker_webhook_verifier } from "__JS_DIR__/verifier.js";
import { webhookHandler as __peeker_webhook_handler } from "__JS_DIR__/handle-webhook.js";
export const { verifyWebhook, checkWebhook, verifyWebhookAsync, signWebhook } = __peeker_webhook_verifier({
  buffer: __peekerWebhookBuffer, key: __peekerWebhookKey, check: __peekerWebhookCheck, sign: __peekerWebhookSign,
  memory: () => wasm.memory, macs: __NATIVE_MACS__,
});
// Pure: a bundle that never uses handleWebhook leaves it (and its request
// reading) out. Its `onError` gets the diagnosis where a wasm has it
// (the build fills in a function giving `diagnoseWebhook`, or undefined).
export const handleWebhook = /* @__PURE__ */ __peeker_webhook_handler(checkWebhook, __DIAGNOSIS__);
