
// ---- peeker-partner: Node entry (also Deno's and Bun's). The module is
// inlined (deflated, then base64: the CommonJS copy `require` reads too) and
// compiled synchronously at import, so a bundle for Node needs no asset step.
import __peeker_wasm from "./__STEM___bg.wasm.b64.cjs";
import { inflateRawSync as __peeker_inflate } from "node:zlib";
initSync({ module: __peeker_inflate(Buffer.from(__peeker_wasm, "base64")) });
export __ERROR_CLASSES__ from "./errors.js";
