export * from "./peeker_partner.js";
export * from "./errors.js";
export { ApiError } from "./errors.js";
export * from "./client.js";
import type { InitInput } from "./peeker_partner.js";

/**
 * Loads the wasm module. Call once, and await it, before any other function:
 * only needed with `peeker-partner/web` (a plain `<script type="module">`
 * without a bundler); the main entry initialises itself.
 *
 * @param wasm where to load the module from; defaults to `peeker_partner_bg.wasm`
 *   next to this file.
 */
export default function init(wasm?: InitInput | Promise<InitInput>): Promise<void>;
export * from "./watch.js";
