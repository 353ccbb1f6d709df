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

/// One entry of the package (`peeker-partner`, `peeker-partner/validate`,
/// `peeker-partner/webhooks`): its own wasm, built with its own features, so a
/// page pays only for what it imports.
pub struct Entry {
    /// pkg/<name>.{browser,node,workerd}.js and <name>.node.cjs are its modules;
    /// "index" is the package root.
    pub name: &'static str,
    /// The file stem of its wasm-bindgen output (pkg/<stem>_bg.wasm).
    pub stem: &'static str,
    /// Extra cargo arguments selecting the features.
    pub features: &'static str,
    /// Whether it exports the webhook verifier (then `handleWebhook` is bound
    /// in JS, and Node computes the HMAC with node:crypto).
    pub webhooks: bool,
    /// What it exports of errors.js: the verifier entry only the classes its
    /// functions throw (a receiver's bundle carries no API error classes).
    pub errors: &'static str,
}

pub const ENTRIES: &[Entry] = &[
    // Everything, with the client. SHA-256 (browser tokens, and the webhook
    // HMAC where node:crypto is absent) on wasm SIMD, as the verifier entry
    // below: faster than the unrolled rounds and 2 KB gzip smaller overall.
    Entry {
        name: "index",
        stem: "peeker_partner",
        features: "--config=build.rustflags=['-C','target-feature=+simd128']",
        webhooks: true,
        errors: "*",
    },
    // Validators, split, planner, sizing and request builders: no client, no
    // transport, no verifier.
    Entry {
        name: "validate",
        stem: "peeker_validate",
        features: "--no-default-features --features validate",
        webhooks: false,
        errors: "*",
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
        features: "--no-default-features --features webhooks \
            --config=build.rustflags=['-C','target-feature=+simd128'] \
            --config=profile.release.opt-level='s'",
        webhooks: true,
        errors: "{ PeekerError, WebhookVerificationError }",
    },
];

/// What the main entry's Node builds take from `webhooks.node.js`.
const NODE_SHARED_WEBHOOK_EXPORTS: &str =
    "verifyWebhook, checkWebhook, verifyWebhookAsync, signWebhook, handleWebhook, isKnownEvent";

/// The ES module builds of each entry, one per runtime (see pkg-template/auto-init/).
/// Node also gets a CommonJS build, `<name>.node.cjs`.
const RUNTIMES: &[&str] = &["node", "browser", "workerd"];

pub fn package() -> Result {
    let root = util::root();
    let pkg = root.join("pkg");
    let stage = root.join("target/pkg-stage");
    let _ = fs::remove_dir_all(&stage);
    fs::create_dir_all(&stage).map_err(|e| e.to_string())?;
    for entry in ENTRIES {
        build_entry(entry)?;
    }

    step("assemble pkg/ from pkg-template/");
    let template = root.join("pkg-template");
    for file in walk(&template)? {
        let rel = file.strip_prefix(&template).map_err(|e| e.to_string())?;
        if !rel.starts_with("auto-init") {
            copy(&file, &stage.join(rel))?;
        }
    }
    for license in ["LICENSE-MIT", "LICENSE-APACHE"] {
        copy(&root.join(license), &stage.join(license))?;
    }
    // The JS helpers (src/js/*.js, src/transport/*.js) as wasm-bindgen copied
    // them: one copy, shared by every entry so `instanceof PeekerError` holds
    // across entries; each also as CommonJS for the Node `require` builds.
    for entry in ENTRIES {
        copy_dir(
            &bindgen_dir(entry).join("snippets"),
            &stage.join("snippets"),
        )?;
    }
    for snippet in walk(&stage.join("snippets"))? {
        // (unlzma.js is the browser entries' alone: no CommonJS copy.)
        if snippet.extension().is_some_and(|e| e == "js") && !snippet.ends_with("unlzma.js") {
            let text = read(&snippet)?;
            to_commonjs(&cjs_specifiers(&text), &snippet.with_extension("cjs"))?;
        }
    }
    let errors_js = find_snippet(&stage, "errors.js")?;
    let errors_cjs = errors_js.replace(".js", ".cjs");

    let auto_init = template.join("auto-init");
    let tail = |name: &str| read(&auto_init.join(name));
    for entry in ENTRIES {
        let dir = bindgen_dir(entry);
        let wasm =
            fs::read(dir.join(format!("{}_bg.wasm", entry.stem))).map_err(|e| e.to_string())?;
        let glue = public_glue(&read(&dir.join(format!("{}.js", entry.stem)))?)?;
        let glue = used_imports_only(&glue, &wasm_import_names(&wasm)?);
        copy(
            &dir.join(format!("{}_bg.wasm", entry.stem)),
            &stage.join(format!("{}_bg.wasm", entry.stem)),
        )?;
        // The module inlined twice, base64-encoded: LZMA-compressed as an ES
        // module, what browsers' bundles inline (12 % smaller than DEFLATE,
        // and no CommonJS interop code); deflated as CommonJS, what Node's
        // `import` and `require` inline (node:zlib inflates it natively, and
        // Node 18 cannot `require` an ES module).
        let stem = entry.stem;
        write(
            &stage.join(format!("{stem}_bg.wasm.b64.js")),
            &format!(
                "// Generated by cargo xtask build: {stem}_bg.wasm, LZMA, base64.\n\
                 export default \"{}\";\n",
                base64(&lzma(&wasm)?)
            ),
        )?;
        write(
            &stage.join(format!("{stem}_bg.wasm.b64.cjs")),
            &format!(
                "// Generated by cargo xtask build: {stem}_bg.wasm, deflated, base64.\n\
                 module.exports = \"{}\";\n",
                base64(&deflate(&wasm)?)
            ),
        )?;
        let webhooks = if entry.webhooks {
            tail("webhooks.js")?
        } else {
            String::new()
        };
        // Node's verifier takes the native HMAC; the others' bundles leave
        // native-hmac.js out.
        let webhooks_node = webhooks.replace(
            "__NATIVE_MACS__",
            "/* @__PURE__ */ __peeker_node_macs(__peeker_create_hmac)",
        );
        let mut webhooks = webhooks.replace("__NATIVE_MACS__", "undefined");
        // watchEvents (no wasm) is the main entry's and peeker-partner/watch's;
        // a webhook receiver's bundle does not carry it.
        if entry.name == "index" {
            webhooks.push_str("export { watchEvents } from \"./watch.js\";\n");
        }
        let node_hmac = if entry.webhooks {
            tail("webhooks-node.js")?
        } else {
            String::new()
        };
        // In Node the main entry's webhook functions are the verifier entry's
        // own: its wasm checks a delivery about 0.6 µs faster than the full
        // module (opt-level "s" against "z"), and Node does not count bytes.
        let node_webhooks = if entry.name == "index" {
            format!(
                "export {{ {NODE_SHARED_WEBHOOK_EXPORTS} }} from \"./webhooks.node.js\";\n\
                 export {{ watchEvents }} from \"./watch.js\";\n"
            )
        } else {
            format!("{node_hmac}{webhooks_node}")
        };
        for runtime in RUNTIMES {
            let mut text = format!("{glue}{}", tail(&format!("{runtime}.js"))?);
            if *runtime == "node" {
                text.push_str(&node_webhooks);
            } else {
                text.push_str(&webhooks);
            }
            write(
                &stage.join(format!("{}.{runtime}.js", entry.name)),
                &fill(&text, entry, &errors_js),
            )?;
        }
        let cjs = format!("{glue}{}{node_webhooks}", tail("node-cjs.js")?);
        let cjs = cjs_specifiers(&fill(&cjs, entry, &errors_cjs));
        to_commonjs(&cjs, &stage.join(format!("{}.node.cjs", entry.name)))?;
        if entry.name == "index" {
            // peeker-partner/web: the full module fetched by init(); calls
            // before it throw PeekerError `not_initialized`.
            let web = format!("{}{}{webhooks}", uninitialised(&glue)?, tail("web.js")?);
            write(&stage.join("web.js"), &fill(&web, entry, &errors_js))?;
            let types = read(&dir.join(format!("{}.d.ts", entry.stem)))?;
            let types = public_types(&types)?;
            write(&stage.join(format!("{}.d.ts", entry.stem)), &types)?;
            write(&stage.join("types.d.ts"), &types_only(&types))?;
        }
    }

    let version = crate_version()?;
    for file in walk(&stage)? {
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let commonjs = name.ends_with(".cjs") || name.ends_with(".d.cts");
        if [".js", ".cjs", ".ts", ".cts", ".json", ".md"]
            .iter()
            .any(|e| name.ends_with(e))
        {
            let errors = if commonjs { &errors_cjs } else { &errors_js };
            let text = read(&file)?
                .replace("__ERRORS_JS__", errors)
                .replace("__VERSION__", &version);
            write(&file, &text)?;
        }
        // Types for `require` (TypeScript's node16/nodenext CommonJS): every
        // declaration file again as .d.cts, pointing at the .cjs builds.
        if name.ends_with(".d.ts") && name != "web.d.ts" {
            let text = read(&file)?;
            write(
                &file.with_file_name(name.replace(".d.ts", ".d.cts")),
                &cjs_specifiers(&text),
            )?;
        }
    }
    // The public error classes for `require`: the same named exports as errors.js.
    let errors = cjs_specifiers(&read(&stage.join("errors.js"))?).replace(&errors_js, &errors_cjs);
    to_commonjs(&errors, &stage.join("errors.cjs"))?;
    let watch = cjs_specifiers(&read(&stage.join("watch.js"))?);
    to_commonjs(&watch, &stage.join("watch.cjs"))?;
    let _ = fs::remove_dir_all(&pkg);
    fs::rename(&stage, &pkg).map_err(|e| format!("move to pkg/: {e}"))?;
    link_into_node_modules(&root)?;
    println!("pkg/ ready ({})", pkg.display());
    Ok(())
}

fn bindgen_dir(entry: &Entry) -> PathBuf {
    util::root().join("target/wasm-bindgen").join(entry.stem)
}

fn build_entry(entry: &Entry) -> Result {
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
        // Lets loads and stores fold constant offsets (0.4 KB gzip off the
        // validate wasm, 0.7 off the full one). True of Rust's wasm: the
        // first 1 KB is the far end of the 1 MB stack, and the data starts
        // at 1 MB.
        "--low-memory-unused",
        "--strip-debug",
        "--strip-producers",
        "-o",
        bg.to_str().unwrap_or_default(),
    ];
    opt.extend_from_slice(WASM_FEATURES);
    run(util::command("wasm-opt", &opt))
}

/// Replaces `old` with `new` in `text`, failing when `old` is absent: the
/// glue's shape is pinned by the wasm-bindgen version in Cargo.lock, and a
/// new version must be looked at, not silently half-patched.
fn patch(text: &str, old: &str, new: &str) -> Result<String> {
    if text.contains(old) {
        Ok(text.replace(old, new))
    } else {
        Err(format!(
            "the wasm-bindgen output no longer contains {old:?}; update xtask/src/build.rs for this wasm-bindgen version"
        ))
    }
}

/// The glue without wasm-bindgen's own exports (`initSync`, the default
/// `init`, the client's internal handle class): the entries initialise
/// themselves, and the package exports only what its .d.ts declares.
fn public_glue(glue: &str) -> Result<String> {
    let glue = patch(glue, "export { initSync, __wbg_init as default };\n", "")?;
    // wasm-bindgen keys its imports object by module once per `extern` block,
    // so the same key repeats; bundlers warn about it. The first one stays.
    let mut keys = std::collections::HashSet::new();
    let glue: String = glue
        .split_inclusive('\n')
        .filter(|line| {
            let t = line.trim();
            !(t.starts_with("\"./snippets/") && t.contains("\": import"))
                || keys.insert(t.split(':').next().unwrap_or_default().to_owned())
        })
        .collect();
    // The verifier's wasm calls (`__peekerWebhook*`), bound by verifier.js in
    // the entry's tail, and the client's handle class stay module-private.
    Ok(glue
        .replace("export function __peeker", "function __peeker")
        .replace(
            "export class PeekerClientHandle",
            "class PeekerClientHandle",
        ))
}

/// The names the module imports (its import section): after wasm-opt, fewer
/// than the glue provides.
fn wasm_import_names(wasm: &[u8]) -> Result<Vec<String>> {
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

/// The glue without the members of its imports object that the optimised
/// wasm no longer imports (wasm-opt removed their callers): a bundler then
/// drops the helpers only they used (text decoding, for one).
fn used_imports_only(glue: &str, imported: &[String]) -> String {
    const MEMBER: &str = "        "; // the imports object's members, as wasm-bindgen indents them
    let mut out = String::with_capacity(glue.len());
    let mut skipping = false;
    for line in glue.split_inclusive('\n') {
        if skipping {
            skipping = line != format!("{MEMBER}}},\n");
            continue;
        }
        let member = line
            .strip_prefix(MEMBER)
            .filter(|rest| !rest.starts_with(' '))
            .and_then(|rest| rest.split_once(": function("))
            .map(|(name, _)| name);
        match member {
            Some(name) if name.starts_with("__wb") && !imported.iter().any(|i| i == name) => {
                skipping = !line.trim_end().ends_with("},");
            }
            _ => out.push_str(line),
        }
    }
    out
}

/// The glue with `wasm` standing for "not initialised yet" until init():
/// any use throws PeekerError `not_initialized` instead of a TypeError.
fn uninitialised(glue: &str) -> Result<String> {
    let glue = patch(
        glue,
        "let wasmModule, wasmInstance, wasm;\n",
        "import { PeekerError as __PeekerError } from \"__ERRORS_JS__\";\n\
         const __peeker_uninitialised = new Proxy({}, { get() {\n  \
           throw new __PeekerError(\"peeker-partner/web: call `await init()` once before anything else\", \"not_initialized\");\n\
         } });\n\
         let wasmModule, wasmInstance, wasm = __peeker_uninitialised;\n",
    )?;
    patch(
        &glue,
        "if (wasm !== undefined) return wasm;",
        "if (wasm !== __peeker_uninitialised) return wasm;",
    )
}

/// The glue's declarations without wasm-bindgen's loader types (`InitInput`,
/// `InitOutput`, `initSync`, the default `init`): they name DOM-only types
/// and raw wasm exports, and the entries initialise themselves.
fn public_types(types: &str) -> Result<String> {
    let cut = types
        .find("export type InitInput")
        .ok_or("the wasm-bindgen .d.ts has no InitInput; update xtask/src/build.rs")?;
    Ok(format!("{}\n", types[..cut].trim_end()))
}

/// The declarations without the functions: the model's types alone, for an
/// entry that exports some of the functions (`peeker-partner/validate`)
/// without declaring the others as values.
fn types_only(types: &str) -> String {
    let mut out = String::from(
        "// Generated by cargo xtask build: the types of peeker_partner.d.ts, without its functions and classes.\n",
    );
    // A value's declaration ends at a `;` or `}` outside brackets (a return
    // type may be an object type over several lines; a class is a block).
    let (mut in_function, mut depth) = (false, 0i32);
    for line in types.split_inclusive('\n') {
        in_function = in_function
            || line.starts_with("export function ")
            || line.starts_with("export class ");
        if !in_function {
            out.push_str(line);
            continue;
        }
        let mut previous = ' ';
        for c in line.chars() {
            match c {
                '{' | '(' | '[' | '<' => depth += 1,
                '>' if previous == '=' => {} // an arrow, not a bracket
                '}' | ')' | ']' | '>' => depth -= 1,
                _ => {}
            }
            previous = c;
        }
        in_function = !(depth <= 0 && line.trim_end().ends_with([';', '}']));
    }
    out
}

/// Placeholders of the auto-init tails: the stem, the error classes exported,
/// errors.js and the folder of src/js/ as wasm-bindgen copied it (the other
/// JS helpers sit next to errors.js).
fn fill(text: &str, entry: &Entry, errors: &str) -> String {
    let js_dir = errors.rsplit_once('/').map_or("", |(dir, _)| dir);
    text.replace("__STEM__", entry.stem)
        .replace("__ERROR_CLASSES__", entry.errors)
        .replace("__ERRORS_JS__", errors)
        .replace("__JS_DIR__", js_dir)
}

/// The `.js` specifiers of import and export statements as `.cjs`, for the
/// CommonJS builds and .d.cts. (Other strings stay: the glue's imports object
/// is keyed by the module names the wasm itself imports.)
fn cjs_specifiers(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        let statement = line.trim_start();
        if ["import ", "export ", "} from "]
            .iter()
            .any(|s| statement.starts_with(s))
        {
            out.push_str(&line.replace(".js\"", ".cjs\"").replace(".js'", ".cjs'"));
        } else {
            out.push_str(line);
        }
    }
    out
}

/// An ES module's text as CommonJS, by esbuild (from the workspace's npm
/// packages; no bundling, so each `import` stays a `require` of the same file).
/// Only Node `require`s these files: `TextEncoder`/`TextDecoder` come from
/// `node:util`, not the global, which Jest's jsdom environment lacks.
fn to_commonjs(esm: &str, out: &Path) -> Result {
    let input = out.with_extension("esm.mjs");
    write(&input, esm)?;
    run(util::command(
        "esbuild",
        &[
            input.to_str().unwrap_or_default(),
            "--format=cjs",
            "--platform=node",
            "--target=node18",
            "--banner:js=const { TextEncoder, TextDecoder } = require(\"node:util\");",
            "--log-level=warning",
            &format!("--outfile={}", out.display()),
        ],
    ))?;
    fs::remove_file(&input).map_err(|e| e.to_string())
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| format!("read {}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| e.to_string())?;
    }
    fs::write(path, text).map_err(|e| format!("write {}: {e}", path.display()))
}

fn copy(from: &Path, to: &Path) -> Result {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent).map_err(|e| e.to_string())?;
    }
    fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("copy {}: {e}", from.display()))
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

/// The browsers' inlined copy: a raw LZMA stream (xz's `--lzma1`, preset 9,
/// a dictionary the size of the input, no end marker) after a 5-byte header
/// of our own, the properties byte and the output size (u32, little-endian),
/// which src/js/unlzma.js reads. Base64 of it gzips to about its size.
fn lzma(bytes: &[u8]) -> Result<Vec<u8>> {
    use lzma_rust2::{LzmaOptions, LzmaWriter};
    use std::io::Write as _;
    let size = u32::try_from(bytes.len()).map_err(|_| "lzma: a wasm over 4 GiB")?;
    let mut options = LzmaOptions::with_preset(9);
    options.dict_size = size.next_power_of_two().max(4096);
    options.nice_len = LzmaOptions::NICE_LEN_MAX;
    let mut header = vec![options.get_props()];
    header.extend_from_slice(&size.to_le_bytes());
    let lzma_error = |e: std::io::Error| format!("lzma: {e}");
    let mut writer = LzmaWriter::new_no_header(header, &options, false).map_err(lzma_error)?;
    writer.write_all(bytes).map_err(lzma_error)?;
    writer.finish().map_err(lzma_error)
}

/// Raw DEFLATE (RFC 1951), by Zopfli: Node's inlined copy of each wasm is
/// base64 of this (node:zlib inflates it). Zopfli's stream is a few % smaller
/// than zlib's best.
fn deflate(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    zopfli::compress(
        zopfli::Options::default(),
        zopfli::Format::Deflate,
        bytes,
        &mut out,
    )
    .map_err(|e| format!("deflate: {e}"))?;
    Ok(out)
}
