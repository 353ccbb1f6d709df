//! tests/wasm.rs under wasm-bindgen-test, in Node or headless Chromium.

use super::wasm::WASM_TARGET;
use crate::util::{self, run, Result};

/// Runs tests/wasm.rs with wasm-bindgen-test, in Node or headless Chromium.
/// In Chromium, tests/browser/wasm-runner.mjs is the runner: it serves
/// and drives the page itself (why, in that file).
pub fn wasm_tests(browser: bool) -> Result {
    let root = util::root();
    let mut cmd = util::command(
        env!("CARGO"),
        &["test", "--target", WASM_TARGET, "--test", "wasm"],
    );
    let runner = if browser {
        cmd.env("WASM_BINDGEN_USE_BROWSER", "1");
        format!(
            "node {}",
            root.join("tests/browser/wasm-runner.mjs").display()
        )
    } else {
        "wasm-bindgen-test-runner".to_owned()
    };
    cmd.current_dir(&root)
        .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", runner);
    run(cmd)
}
