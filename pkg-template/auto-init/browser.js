
// ---- peeker-partner: browser and bundler entry. The module is inlined in
// hex, which HTTP compression shrinks better than base64 (a byte is always
// two characters, so gzip still finds the module's repeats), and compiled
// synchronously on its first use: no top-level await, no bundler plugin, no
// asset rule, no init call, and no work at import.
import __peeker_wasm from "./__STEM___bg.wasm.hex.js";
// Natively where the engine can (Chrome 140, Firefox 133, Safari 18.2).
const __peeker_hex = (text) => {
  if (Uint8Array.fromHex) return Uint8Array.fromHex(text);
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return bytes;
};
const __peeker_lazy = new Proxy({}, { get(_, key) {
  wasm = undefined;
  try {
    initSync({ module: __peeker_hex(__peeker_wasm) });
  } catch (e) {
    wasm = __peeker_lazy;
    throw e;
  }
  return wasm[key];
} });
wasm = __peeker_lazy;
export __ERROR_CLASSES__ from "./errors.js";
