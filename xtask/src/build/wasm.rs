//! Each entry's wasm: compiled with its features, through wasm-bindgen and
//! wasm-opt; and the names its optimised module still imports.

use super::entries::Entry;
use crate::util::{self, cargo, run, step, Result};
use std::fs;
use std::path::PathBuf;

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// Features the Rust wasm32 target emits by default; wasm-opt must accept them.
const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
    "--enable-simd",
];

/// Where wasm-bindgen writes an entry's glue, declarations, snippets and wasm.
pub fn bindgen_dir(entry: &Entry) -> PathBuf {
    util::root().join("target/wasm-bindgen").join(entry.stem)
}

pub fn build_entry(entry: &Entry) -> Result {
    let root = util::root();
    step(&format!("build {} (wasm, release)", entry.stem));
    let target_dir = root.join("target/wasm-release").join(entry.stem);
    let target_dir_s = target_dir.display().to_string();
    let mut args = vec![
        "build",
        "--release",
        "--lib",
        "-p",
        "peeker-partner",
        "--target",
        WASM_TARGET,
        "--target-dir",
        &target_dir_s,
    ];
    args.extend(entry.features.split_whitespace());
    cargo(&args)?;
    let raw = target_dir
        .join(WASM_TARGET)
        .join("release/peeker_partner.wasm");

    let out = bindgen_dir(entry);
    let _ = fs::remove_dir_all(&out);
    // --omit-default-module-path: the glue holds no `new URL(...wasm)`, so
    // bundlers do not copy the wasm a second time next to the inlined one.
    run(util::command(
        "wasm-bindgen",
        &[
            raw.to_str().unwrap_or_default(),
            "--target",
            "web",
            "--omit-default-module-path",
            "--out-name",
            entry.stem,
            "--out-dir",
            out.to_str().unwrap_or_default(),
        ],
    ))?;
    let bg = out.join(format!("{}_bg.wasm", entry.stem));
    let mut opt = vec![
        bg.to_str().unwrap_or_default(),
        "-Oz",
        // Lets loads and stores fold constant offsets, which makes every
        // entry's code smaller. True of Rust's wasm: the first 1 KB is the
        // far end of the 1 MB stack, and the data starts at 1 MB.
        "--low-memory-unused",
        "--strip-debug",
        "--strip-producers",
        // The features it was built with: nothing reads them at run time.
        "--strip-target-features",
        "-o",
        bg.to_str().unwrap_or_default(),
    ];
    opt.extend_from_slice(WASM_FEATURES);
    run(util::command("wasm-opt", &opt))
}

/// The names the module imports (its import section): after wasm-opt, fewer
/// than the glue provides.
pub fn import_names(wasm: &[u8]) -> Result<Vec<String>> {
    let bad = || "the optimised wasm's import section cannot be read".to_owned();
    let mut at = 8; // magic and version
    let leb = |at: &mut usize| -> Result<usize> {
        let (mut value, mut shift) = (0usize, 0);
        loop {
            let byte = *wasm.get(*at).ok_or_else(bad)?;
            *at += 1;
            value |= usize::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
            shift += 7;
        }
    };
    let name = |at: &mut usize| -> Result<String> {
        let len = leb(at)?;
        let bytes = wasm.get(*at..*at + len).ok_or_else(bad)?;
        *at += len;
        String::from_utf8(bytes.to_vec()).map_err(|_| bad())
    };
    while at < wasm.len() {
        let id = wasm[at];
        at += 1;
        let size = leb(&mut at)?;
        if id != 2 {
            at += size;
            continue;
        }
        let mut names = Vec::new();
        for _ in 0..leb(&mut at)? {
            let _module = name(&mut at)?;
            names.push(name(&mut at)?);
            // The import's description: a kind byte, then its type.
            let kind = *wasm.get(at).ok_or_else(bad)?;
            match kind {
                // A function: its type index.
                0 => {
                    at += 1;
                    leb(&mut at)?;
                }
                // A table (then its element type) or a memory: then limits.
                1 | 2 => {
                    at += if kind == 1 { 2 } else { 1 };
                    let flags = leb(&mut at)?;
                    leb(&mut at)?;
                    if flags & 1 == 1 {
                        leb(&mut at)?;
                    }
                }
                // A global: its type and mutability.
                3 => at += 3,
                _ => return Err(bad()),
            }
        }
        return Ok(names);
    }
    Ok(Vec::new())
}
