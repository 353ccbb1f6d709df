//! Rewriting wasm-bindgen's JS glue into the package's modules: its public
//! part, the auto-init tails' placeholders, and the CommonJS copies.

use super::entries::Entry;
use super::files::write;
use crate::util::{self, run, Result};
use std::fs;
use std::path::Path;

/// Replaces `old` with `new` in `text`, failing when `old` is absent: the
/// glue's shape is pinned by the wasm-bindgen version in Cargo.lock, and a
/// new version must be looked at, not silently half-patched.
fn patch(text: &str, old: &str, new: &str) -> Result<String> {
    if text.contains(old) {
        Ok(text.replace(old, new))
    } else {
        Err(format!(
            "the wasm-bindgen output no longer contains {old:?}; update xtask/src/build/glue.rs for this wasm-bindgen version"
        ))
    }
}

/// The glue without wasm-bindgen's own exports (`initSync`, the default
/// `init`, the client's internal handle class): the entries initialise
/// themselves, and the package exports only what its .d.ts declares.
pub fn public_glue(glue: &str) -> Result<String> {
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

/// Whether the glue exports the client (declared by client.d.ts, not by
/// wasm-bindgen).
pub fn exports_client(glue: &str) -> bool {
    glue.contains("\nexport class PeekerClient ")
}

/// The glue without the members of its imports object that the optimised
/// wasm no longer imports (wasm-opt removed their callers): a bundler then
/// drops the helpers only they used (text decoding, for one).
pub fn used_imports_only(glue: &str, imported: &[String]) -> String {
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
pub fn uninitialised(glue: &str) -> Result<String> {
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

/// Placeholders of the auto-init tails: the stem, the error classes exported,
/// errors.js and the folder of src/js/ as wasm-bindgen copied it (the other
/// JS helpers sit next to errors.js).
pub fn fill(text: &str, entry: &Entry, errors: &str) -> String {
    let js_dir = errors.rsplit_once('/').map_or("", |(dir, _)| dir);
    text.replace("__STEM__", entry.stem)
        .replace("__ERROR_CLASSES__", &entry.errors.clause())
        .replace("__ERRORS_JS__", errors)
        .replace("__JS_DIR__", js_dir)
}

/// The `.js` specifiers of import and export statements as `.cjs`, for the
/// CommonJS builds and .d.cts. (Other strings stay: the glue's imports object
/// is keyed by the module names the wasm itself imports.)
pub fn cjs_specifiers(text: &str) -> String {
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
pub fn to_commonjs(esm: &str, out: &Path) -> Result {
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
