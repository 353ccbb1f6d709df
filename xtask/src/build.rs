//! Building the npm package into pkg/ and running the wasm test suites.

use crate::util::{self, cargo, run, step, Result};
use std::fs;
use std::path::{Path, PathBuf};

const WASM_TARGET: &str = "wasm32-unknown-unknown";
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

/// One wasm module of the package: the cargo features it is built with and the
/// file stem its wasm-bindgen output gets in pkg/.
pub struct Entry {
    /// pkg/<name>.{node,browser,workerd}.js are this entry's self-initialising modules.
    pub name: &'static str,
    pub stem: &'static str,
    /// Extra cargo arguments selecting the features.
    pub features: &'static str,
}

pub const ENTRIES: &[Entry] = &[
    Entry {
        name: "index",
        stem: "peeker_partner",
        features: "",
    },
    // The verifier alone, for Workers that only receive webhooks. SHA-256 on
    // wasm SIMD (sha2's simd128 backend; every runtime the package supports
    // has it): in Node (CPU time) 1 KB verifies in 7.9 µs against 10.5 with
    // the compact rounds, for 0.3 KB (gzip) more; the unrolled rounds are
    // slower than SIMD and 1.6 KB larger. Opt-level "s" here is 0.3 KB
    // smaller than "z" (sha2 itself is built at 3, see Cargo.toml).
    Entry {
        name: "webhooks",
        stem: "peeker_webhooks",
        features: "--no-default-features \
            --config=build.rustflags=['-C','target-feature=+simd128'] \
            --config=profile.release.opt-level='s'",
    },
];

/// The runtimes with an entry of their own (see pkg-template/auto-init/).
const RUNTIMES: &[&str] = &["node", "browser", "workerd"];

pub fn package() -> Result {
    let root = util::root();
    let pkg = root.join("pkg");
    let stage = root.join("target/pkg-stage");
    let _ = fs::remove_dir_all(&stage);
    fs::create_dir_all(&stage).map_err(|e| e.to_string())?;
    for entry in ENTRIES {
        build_entry(entry, &stage)?;
    }

    step("assemble pkg/ from pkg-template/");
    copy_dir(&root.join("pkg-template"), &stage)?;
    for entry in ENTRIES {
        write_auto_init(entry, &stage)?;
    }
    fs::remove_dir_all(stage.join("auto-init")).map_err(|e| e.to_string())?;
    let errors_js = find_snippet(&stage, "errors.js")?;
    // src/js/ as wasm-bindgen copied it: the other JS helpers sit next to errors.js.
    let js_dir = errors_js.trim_end_matches("/errors.js").to_owned();
    let version = crate_version()?;
    for file in walk(&stage)? {
        let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
        if matches!(ext, "js" | "ts" | "json" | "md") {
            let text = fs::read_to_string(&file).map_err(|e| e.to_string())?;
            let text = text
                .replace("__ERRORS_JS__", &errors_js)
                .replace("__JS_DIR__", &js_dir)
                .replace("__VERSION__", &version);
            fs::write(&file, text).map_err(|e| e.to_string())?;
        }
    }
    let _ = fs::remove_dir_all(&pkg);
    fs::rename(&stage, &pkg).map_err(|e| format!("move to pkg/: {e}"))?;
    link_into_node_modules(&root)?;
    println!("pkg/ ready ({})", pkg.display());
    Ok(())
}

fn build_entry(entry: &Entry, stage: &Path) -> Result {
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

    let out = root.join("target/wasm-bindgen").join(entry.stem);
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
        "--strip-debug",
        "--strip-producers",
        "-o",
        bg.to_str().unwrap_or_default(),
    ];
    opt.extend_from_slice(WASM_FEATURES);
    run(util::command("wasm-opt", &opt))?;

    copy_dir(&out, stage)?;
    // The inlined copy lets bundlers and browsers load the module with no
    // plugin, no asset handling and no init call.
    let bytes = fs::read(&bg).map_err(|e| e.to_string())?;
    let js = format!(
        "// Generated by cargo xtask build: the wasm module, base64.\nexport default \"{}\";\n",
        base64(&bytes)
    );
    fs::write(stage.join(format!("{}_bg.wasm.b64.js", entry.stem)), js).map_err(|e| e.to_string())
}

/// node_modules/peeker-partner → pkg/, so tests, bundlers and the demo import
/// `"peeker-partner"` exactly as a partner's project does.
fn link_into_node_modules(root: &Path) -> Result {
    let link = root.join("node_modules/peeker-partner");
    if fs::read_link(&link).is_ok_and(|t| t == Path::new("../pkg")) {
        return Ok(());
    }
    let _ = fs::remove_file(&link);
    let _ = fs::remove_dir_all(&link);
    std::os::unix::fs::symlink("../pkg", &link).map_err(|e| format!("link {}: {e}", link.display()))
}

/// Each runtime's entry is the wasm-bindgen glue with an initialising tail
/// appended, so the calls that load the module live in the same module as the
/// exports: `sideEffects: false` can then never let a bundler drop the init.
fn write_auto_init(entry: &Entry, stage: &Path) -> Result {
    let glue =
        fs::read_to_string(stage.join(format!("{}.js", entry.stem))).map_err(|e| e.to_string())?;
    for runtime in RUNTIMES {
        let tail = fs::read_to_string(stage.join(format!("auto-init/{runtime}.js")))
            .map_err(|e| e.to_string())?
            .replace("__STEM__", entry.stem);
        let file = stage.join(format!("{}.{runtime}.js", entry.name));
        fs::write(file, format!("{glue}{tail}")).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Runs tests/wasm.rs with wasm-bindgen-test, in Node or headless Chromium.
pub fn wasm_tests(browser: bool) -> Result {
    let root = util::root();
    let mut cmd = util::command(
        env!("CARGO"),
        &["test", "--target", WASM_TARGET, "--test", "wasm"],
    );
    cmd.current_dir(&root).env(
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
        "wasm-bindgen-test-runner",
    );
    if browser {
        // webdriver.json at the root carries Chromium's flags (root needs --no-sandbox).
        cmd.env("WASM_BINDGEN_USE_BROWSER", "1")
            .env("CHROMEDRIVER", "/usr/bin/chromedriver")
            .env("WASM_BINDGEN_TEST_TIMEOUT", "120");
    }
    run(cmd)
}

fn crate_version() -> Result<String> {
    let manifest =
        fs::read_to_string(util::root().join("Cargo.toml")).map_err(|e| e.to_string())?;
    let package = manifest
        .split("[package]")
        .nth(1)
        .ok_or("no [package] in Cargo.toml")?;
    package
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .map(|v| v.trim_end_matches('"').to_owned())
        .ok_or_else(|| "no version in Cargo.toml".into())
}

/// The path, relative to pkg/, of a wasm-bindgen snippet file such as errors.js.
fn find_snippet(stage: &Path, name: &str) -> Result<String> {
    walk(&stage.join("snippets"))?
        .into_iter()
        .find(|p| p.file_name().and_then(|n| n.to_str()) == Some(name))
        .and_then(|p| {
            p.strip_prefix(stage)
                .ok()
                .map(|r| format!("./{}", r.display()))
        })
        .ok_or_else(|| format!("snippet {name} not found in the wasm-bindgen output"))
}

fn walk(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let Ok(read) = fs::read_dir(dir) else {
        return Ok(files);
    };
    for item in read {
        let path = item.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            files.extend(walk(&path)?);
        } else {
            files.push(path);
        }
    }
    Ok(files)
}

fn copy_dir(from: &Path, to: &Path) -> Result {
    for file in walk(from)? {
        let rel = file.strip_prefix(from).map_err(|e| e.to_string())?;
        let dest = to.join(rel);
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        fs::copy(&file, &dest).map_err(|e| format!("copy {}: {e}", file.display()))?;
    }
    Ok(())
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
