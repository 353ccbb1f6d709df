//! Assembling pkg/: pkg-template/, then each entry's modules (the glue and one
//! loading tail per runtime), its inlined wasm and its declarations, the
//! CommonJS copies, and package.json.

use super::declarations::{self, Built};
use super::entries::{self, Entry, ENTRIES, JS_ENTRIES, NODE_RUNTIME, RUNTIMES};
use super::files::{copy, copy_dir, read, walk, write};
use super::glue::{self, cjs_specifiers, fill, to_commonjs};
use super::inline::write_inlined;
use super::manifest::manifest;
use super::wasm::{self, bindgen_dir, build_entry};
use crate::util::{self, step, Result};
use std::fs;
use std::path::Path;

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
    write(
        &stage.join("package.json"),
        &manifest(&read(&template.join("package.json"))?)?,
    )?;
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
        if snippet.extension().is_some_and(|e| e == "js") {
            let text = read(&snippet)?;
            to_commonjs(&cjs_specifiers(&text), &snippet.with_extension("cjs"))?;
        }
    }
    let errors_js = find_snippet(&stage, "errors.js")?;
    let errors_cjs = errors_js.replace(".js", ".cjs");

    for entry in ENTRIES {
        entry_modules(entry, &template, &stage, &errors_js, &errors_cjs)?;
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
    for name in JS_ENTRIES {
        let esm = cjs_specifiers(&read(&stage.join(format!("{name}.js")))?);
        to_commonjs(&esm, &stage.join(format!("{name}.cjs")))?;
    }
    let _ = fs::remove_dir_all(&pkg);
    fs::rename(&stage, &pkg).map_err(|e| format!("move to pkg/: {e}"))?;
    link_into_node_modules(&root)?;
    println!("pkg/ ready ({})", pkg.display());
    Ok(())
}

/// One entry's files in the stage: its wasm and inlined copies, its ES
/// module per runtime and CommonJS build, its `.d.ts`; for the whole
/// package also web.js and the shared declarations.
fn entry_modules(
    entry: &Entry,
    template: &Path,
    stage: &Path,
    errors_js: &str,
    errors_cjs: &str,
) -> Result {
    let auto_init = template.join("auto-init");
    let tail = |name: &str| read(&auto_init.join(name));
    let dir = bindgen_dir(entry);
    let wasm = fs::read(dir.join(format!("{}_bg.wasm", entry.stem))).map_err(|e| e.to_string())?;
    let raw_glue = read(&dir.join(format!("{}.js", entry.stem)))?;
    let glue = glue::public_glue(&raw_glue)?;
    let glue = glue::used_imports_only(&glue, &wasm::import_names(&wasm)?);
    copy(
        &dir.join(format!("{}_bg.wasm", entry.stem)),
        &stage.join(format!("{}_bg.wasm", entry.stem)),
    )?;
    write_inlined(stage, entry, &wasm)?;

    let webhooks = if entry.webhooks {
        tail("webhooks.js")?
    } else {
        String::new()
    };
    // handleWebhook's diagnosis: the whole package's wasm has it; the
    // verifier's Node build loads that wasm on the first refusal, through a
    // specifier held in a variable so that a bundler leaves it out (a bundled
    // receiver has no diagnosis rather than the whole package); its other
    // builds stay the verifier alone.
    let (diagnosis, diagnosis_node) = if entry.full {
        let own = "() => diagnoseWebhook".to_owned();
        (own.clone(), own)
    } else {
        (
            "undefined".to_owned(),
            format!(
                "() => {{ const full = \"./{}.{NODE_RUNTIME}.js\"; return import(full).then((m) => m.diagnoseWebhook); }}",
                entries::full().name
            ),
        )
    };
    // Node's verifier takes the native HMAC; the others' bundles leave
    // native-hmac.js out.
    let webhooks_node = webhooks
        .replace(
            "__NATIVE_MACS__",
            "/* @__PURE__ */ __peeker_node_macs(__peeker_create_hmac)",
        )
        .replace("__DIAGNOSIS__", &diagnosis_node);
    let mut webhooks = webhooks
        .replace("__NATIVE_MACS__", "undefined")
        .replace("__DIAGNOSIS__", &diagnosis);
    let node_hmac = if entry.webhooks {
        tail("webhooks-node.js")?
    } else {
        String::new()
    };
    let mut node_webhooks = match entry.node_webhooks_from {
        Some(from) => {
            let from = entries::entry(from)
                .ok_or_else(|| format!("node_webhooks_from: no entry {from:?}"))?;
            format!(
                "export {{ {} }} from \"./{}.{NODE_RUNTIME}.js\";\n",
                declared_values(from)?.join(", "),
                from.name
            )
        }
        None => format!("{node_hmac}{webhooks_node}"),
    };
    // watchEvents (no wasm) is the whole package's and peeker-partner/watch's;
    // a webhook receiver's bundle does not carry it.
    if entry.full {
        let watch = "export { watchEvents } from \"./watch.js\";\n";
        webhooks.push_str(watch);
        node_webhooks.push_str(watch);
    }
    for runtime in RUNTIMES {
        let mut text = format!("{glue}{}", tail(&format!("{runtime}.js"))?);
        if *runtime == NODE_RUNTIME {
            text.push_str(&node_webhooks);
        } else {
            text.push_str(&webhooks);
        }
        write(
            &stage.join(format!("{}.{runtime}.js", entry.name)),
            &fill(&text, entry, errors_js),
        )?;
    }
    let cjs = format!(
        "{glue}{}{node_webhooks}",
        tail(&format!("{NODE_RUNTIME}-cjs.js"))?
    );
    let cjs = cjs_specifiers(&fill(&cjs, entry, errors_cjs));
    to_commonjs(
        &cjs,
        &stage.join(format!("{}.{NODE_RUNTIME}.cjs", entry.name)),
    )?;

    // Its documentation, when pkg-template/ has one.
    let doc = template.join(format!("{}.d.ts", entry.name));
    let doc = if doc.exists() {
        read(&doc)?
    } else {
        String::new()
    };
    let built = Built {
        values: &declared_values(entry)?,
        client: glue::exports_client(&raw_glue),
    };
    write(
        &stage.join(format!("{}.d.ts", entry.name)),
        &declarations::entry_declarations(entry, &doc, &built),
    )?;
    if entry.full {
        // peeker-partner/web: the full module fetched by init(); calls
        // before it throw PeekerError `not_initialized`.
        let web = format!(
            "{}{}{webhooks}",
            glue::uninitialised(&glue)?,
            tail("web.js")?
        );
        write(&stage.join("web.js"), &fill(&web, entry, errors_js))?;
        let types = read(&dir.join(format!("{}.d.ts", entry.stem)))?;
        let types = declarations::public_types(&types)?;
        write(&stage.join(format!("{}.d.ts", entry.stem)), &types)?;
        write(&stage.join("types.d.ts"), &declarations::types_only(&types))?;
    }
    Ok(())
}

/// The functions and classes an entry's module exports, as its wasm-bindgen
/// declarations declare them.
fn declared_values(entry: &Entry) -> Result<Vec<String>> {
    let types = read(&bindgen_dir(entry).join(format!("{}.d.ts", entry.stem)))?;
    declarations::declared_values(&types)
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

fn crate_version() -> Result<String> {
    let manifest = read(&util::root().join("Cargo.toml"))?;
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
