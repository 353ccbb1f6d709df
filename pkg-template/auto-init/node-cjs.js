
// ---- peeker-partner: Node `require` entry (CommonJS). As the ES module
// entry: the module is inlined (deflated, then base64) and compiled
// synchronously, so a bundle of a CommonJS app needs no asset step either.
import __peeker_wasm from "./__STEM___bg.wasm.b64.cjs";
import { inflateRawSync as __peeker_inflate } from "node:zlib";
initSync({ module: __peeker_inflate(Buffer.from(__peeker_wasm, "base64")) });
export __ERROR_CLASSES__ from "./errors.js";
