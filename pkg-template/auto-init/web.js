
// ---- peeker-partner/web: for a plain <script type="module"> with no bundler.
// `await init()` once fetches (and compiles while downloading)
// peeker_partner_bg.wasm next to this file; anything called before it throws
// PeekerError `not_initialized`.
export default function init(wasm) {
  return __wbg_init({
    module_or_path: wasm ?? new URL("./__STEM___bg.wasm", import.meta.url),
  }).then(() => undefined);
}
export * from "./errors.js";
