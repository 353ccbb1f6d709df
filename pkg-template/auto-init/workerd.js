
// ---- peeker-partner: Cloudflare Workers (workerd) entry. Workers forbid
// compiling wasm from bytes at runtime; wrangler turns this import into a
// precompiled WebAssembly.Module.
import __peeker_wasm from "./__STEM___bg.wasm";
initSync({ module: __peeker_wasm });
export __ERROR_CLASSES__ from "./errors.js";
