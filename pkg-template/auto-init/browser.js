
// ---- peeker-partner: browser and bundler entry. The module is inlined
// (LZMA, then base64) and compiled synchronously at import: no top-level
// await, no bundler plugin, no asset rule, no init call.
import __peeker_wasm from "./__STEM___bg.wasm.b64.js";
import { unlzma as __peeker_unlzma } from "__JS_DIR__/unlzma.js";
initSync({ module: __peeker_unlzma(Uint8Array.from(atob(__peeker_wasm), (c) => c.charCodeAt(0))) });
export __ERROR_CLASSES__ from "./errors.js";
