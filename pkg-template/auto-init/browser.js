
// ---- peeker-partner: browser and bundler entry. The module is inlined and
// compiled asynchronously at import (top-level await), so no bundler plugin,
// asset rule or init call is needed.
import __peeker_wasm_b64 from "./__STEM___bg.wasm.b64.js";
await __wbg_init({ module_or_path: __peeker_decode(__peeker_wasm_b64) });
function __peeker_decode(b64) {
  const text = atob(b64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}
export * from "./errors.js";
export { watchEvents } from "./watch.js";
// The webhook functions are JS around this module's wasm checks (one body
// copy, no async machinery in the wasm).
import { webhookVerifier as __peeker_webhook_verifier } from "__JS_DIR__/verifier.js";
export const { verifyWebhook, verifyWebhookAsync, signWebhook, handleWebhook } = __peeker_webhook_verifier({
  key: __peekerWebhookKey, body: __peekerWebhookBody, memory: __peekerWebhookMemory, check: __peekerWebhookCheck, error: __peekerWebhookError, sign: __peekerWebhookSign,
});
