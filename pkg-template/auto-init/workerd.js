
// ---- peeker-partner: Cloudflare Workers (workerd) entry. Workers forbid
// compiling wasm from bytes at runtime; wrangler turns this import into a
// precompiled WebAssembly.Module.
import __peeker_wasm from "./__STEM___bg.wasm";
initSync({ module: __peeker_wasm });
export * from "./errors.js";
export { watchEvents } from "./watch.js";
// The webhook functions are JS around this module's wasm checks (one body
// copy, no async machinery in the wasm).
import { webhookVerifier as __peeker_webhook_verifier } from "__JS_DIR__/verifier.js";
export const { verifyWebhook, verifyWebhookAsync, signWebhook, handleWebhook } = __peeker_webhook_verifier({
  key: __peekerWebhookKey, body: __peekerWebhookBody, memory: __peekerWebhookMemory, check: __peekerWebhookCheck, error: __peekerWebhookError, sign: __peekerWebhookSign,
});
