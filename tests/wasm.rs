//! The core again, compiled to wasm32 and run by wasm-bindgen-test in Node and
//! in headless Chromium (`cargo xtask test` runs both).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn error_codes_survive_wasm() {
    let e = peeker_partner::PeekerError::new("invalid_request", "bad");
    assert_eq!(e.code, "invalid_request");
}
