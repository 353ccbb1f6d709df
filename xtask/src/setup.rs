//! Idempotent installs. Each step checks first and does nothing when satisfied.

use crate::util::{self, output, run, run_in, step, Result};
use std::path::Path;

pub fn all() -> Result {
    wasm_target()?;
    wasm_bindgen_cli()?;
    npm_packages()?;
    browsers()?;
    Ok(())
}

fn wasm_target() -> Result {
    let installed = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    step("rustup target add wasm32-unknown-unknown");
    run(util::command(
        "rustup",
        &["target", "add", "wasm32-unknown-unknown"],
    ))
}

/// The wasm-bindgen version Cargo.lock pins; the CLI must match it exactly.
pub fn locked_wasm_bindgen_version() -> Result<String> {
    let lock = std::fs::read_to_string(util::root().join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_owned());
            }
        }
    }
    Err("wasm-bindgen is not in Cargo.lock".into())
}

fn wasm_bindgen_cli() -> Result {
    let want = locked_wasm_bindgen_version()?;
    let have = output("wasm-bindgen", &["--version"]).unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(want.as_str()) {
        return Ok(());
    }
    // `--locked` fails for this crate (its lockfile wants a yanked version), so
    // pin the exact version instead.
    step(&format!(
        "cargo install wasm-bindgen-cli --version {want} (about 3 minutes)"
    ));
    run(util::command(
        env!("CARGO"),
        &["install", "wasm-bindgen-cli", "--version", &want, "--force"],
    ))
}

fn npm_packages() -> Result {
    let root = util::root();
    // `npm ci` is exact but slow; skip it when node_modules matches the lockfile.
    let lock = root.join("package-lock.json");
    let stamp = root.join("node_modules/.package-lock.json");
    if is_newer(&stamp, &lock) && root.join("node_modules/.bin/wasm-opt").exists() {
        return Ok(());
    }
    step("npm ci");
    run_in(&root, "npm", &["ci", "--no-audit", "--no-fund"])
}

fn is_newer(a: &Path, b: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    matches!((modified(a), modified(b)), (Some(a), Some(b)) if a >= b)
}

/// The browsers the pages run in: Chromium, Firefox (driven over WebDriver
/// BiDi) and WebKit (Safari's engine, through its W3C WebDriver under Xvfb).
/// Debian's packages, each installed only if missing; nothing is downloaded
/// elsewhere.
fn browsers() -> Result {
    let wanted = [
        ("chromium", "/usr/bin/chromium"),
        ("firefox-esr", "/usr/bin/firefox-esr"),
        ("webkit2gtk-driver", "/usr/bin/WebKitWebDriver"),
        ("xvfb", "/usr/bin/Xvfb"),
    ];
    let missing: Vec<&str> = wanted
        .iter()
        .filter(|(_, binary)| !Path::new(binary).exists())
        .map(|(package, _)| *package)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    step(&format!(
        "apt-get install {} (Debian's; nothing is downloaded elsewhere)",
        missing.join(" ")
    ));
    let mut args = vec!["install", "-y", "--no-install-recommends"];
    args.extend(&missing);
    let install = || run(util::command("apt-get", &args));
    install().or_else(|_| {
        run(util::command("apt-get", &["update"]))?;
        install()
    })
}
