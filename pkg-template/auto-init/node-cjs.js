
// ---- peeker-partner: Node `require` entry (CommonJS). The module is read
// from the .wasm file beside this one and compiled synchronously.
import { readFileSync as __peeker_read } from "node:fs";
import { join as __peeker_join } from "node:path";
initSync({ module: __peeker_read(__peeker_join(__dirname, "__STEM___bg.wasm")) });
export * from "./errors.js";
