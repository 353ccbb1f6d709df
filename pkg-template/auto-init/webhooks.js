export { watchEvents } from "./watch.js";
// The webhook functions are JS around this module's wasm checks (one body
// copy, no async machinery in the wasm).
import { webhookVerifier as __peeker_webhook_verifier } from "__JS_DIR__/verifier.js";
export const { verifyWebhook, verifyWebhookAsync, signWebhook, handleWebhook } = __peeker_webhook_verifier({
  key: __peekerWebhookKey, body: __peekerWebhookBody, memory: __peekerWebhookMemory, check: __peekerWebhookCheck, error: __peekerWebhookError, sign: __peekerWebhookSign,
});
