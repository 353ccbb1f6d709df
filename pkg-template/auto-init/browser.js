
// ---- peeker-partner: browser and bundler entry. The module is inlined
// (base64) and compiled synchronously on its first use: no top-level await,
// no bundler plugin, no asset rule, no init call, and no work at import.
import __peeker_wasm from "./__STEM___bg.wasm.b64.js";
__UNLZMA_IMPORT__const __peeker_base64 = (text) => {
  if (Uint8Array.fromBase64) return Uint8Array.fromBase64(text);
  const chars = atob(text), bytes = new Uint8Array(chars.length);
  for (let i = 0; i < chars.length; i++) bytes[i] = chars.charCodeAt(i);
  return bytes;
};
const __peeker_lazy = new Proxy({}, { get(_, key) {
  wasm = undefined;
  try {
    initSync({ module: __INLINED_WASM__ });
  } catch (e) {
    wasm = __peeker_lazy;
    throw e;
  }
  return wasm[key];
} });
wasm = __peeker_lazy;
export __ERROR_CLASSES__ from "./errors.js";
