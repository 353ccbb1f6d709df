// peeker-partner/web: for a plain <script type="module"> with no bundler.
// Fetches (and compiles while downloading) peeker_partner_bg.wasm next to this
// file; `await init()` once before calling anything else.
import __wbg_init from "./peeker_partner.js";

export * from "./peeker_partner.js";
export * from "./errors.js";

let loading;
export default function init(wasm) {
  loading ??= __wbg_init({
    module_or_path: wasm ?? new URL("./peeker_partner_bg.wasm", import.meta.url),
  }).then(() => undefined);
  return loading;
}

import { webhookHandler } from "__JS_DIR__/handle-webhook.js";
import { verifyWebhook } from "./peeker_partner.js";
export const handleWebhook = webhookHandler(verifyWebhook);
