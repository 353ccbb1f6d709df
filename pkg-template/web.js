// peeker-partner/web: for a plain <script type="module"> with no bundler.
// Fetches (and compiles while downloading) peeker_partner_bg.wasm next to this
// file; `await init()` once before calling anything else.
import __wbg_init from "./peeker_partner.js";

export * from "./peeker_partner.js";
export * from "./errors.js";
export { watchEvents } from "./watch.js";

let loading;
export default function init(wasm) {
  loading ??= __wbg_init({
    module_or_path: wasm ?? new URL("./peeker_partner_bg.wasm", import.meta.url),
  }).then(() => undefined);
  return loading;
}

import { webhookVerifier } from "__JS_DIR__/verifier.js";
import {
  __peekerWebhookKey, __peekerWebhookBody, __peekerWebhookMemory, __peekerWebhookCheck, __peekerWebhookError, __peekerWebhookSign,
} from "./peeker_partner.js";
export const { verifyWebhook, verifyWebhookAsync, signWebhook, handleWebhook } = webhookVerifier({
  key: __peekerWebhookKey, body: __peekerWebhookBody, memory: __peekerWebhookMemory, check: __peekerWebhookCheck, error: __peekerWebhookError, sign: __peekerWebhookSign,
});
