// peeker-partner/web: the whole package for a plain <script type="module">
// without a bundler; `await init()` before anything else.
export * from "./index.js";

/**
 * Loads the wasm module. Call once, and await it, before any other function
 * (anything called earlier throws `PeekerError` with code `not_initialized`).
 * Only `peeker-partner/web` needs it; every other entry initialises itself.
 *
 * @param wasm where to load the module from (a URL, or a `fetch` response);
 *   defaults to `peeker_partner_bg.wasm` next to this file.
 *
 * @example
 * ```html
 * <script type="module">
 *   import init, { validateOrder } from "/node_modules/peeker-partner/web.js";
 *   await init();
 *   console.log(validateOrder(order));
 * </script>
 * ```
 */
export default function init(wasm?: string | URL | Response | PromiseLike<Response>): Promise<void>;
