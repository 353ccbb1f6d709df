
// ---- peeker-partner: Node entry. The module is compiled synchronously at
// import, from an inlined copy, so bundlers targeting Node need no asset step.
import __peeker_wasm_b64 from "./__STEM___bg.wasm.b64.js";
initSync({ module: Buffer.from(__peeker_wasm_b64, "base64") });
export * from "./errors.js";
// Webhook HMACs by node:crypto (native SHA-256); the wasm checks everything else.
import { createHmac as __peeker_create_hmac } from "node:crypto";
import { useNativeHmac as __peeker_use_native_hmac } from "__JS_DIR__/native-hmac.js";
__peeker_use_native_hmac(__peeker_create_hmac);
// handleWebhook is JS (no async machinery in the wasm), bound to this module.
import { webhookHandler as __peeker_webhook_handler } from "__JS_DIR__/handle-webhook.js";
export const handleWebhook = __peeker_webhook_handler(verifyWebhook);
