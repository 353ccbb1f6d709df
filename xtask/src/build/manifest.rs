//! pkg/package.json: pkg-template/package.json (what the build cannot know:
//! name, description, licence, files, …) with the fields that name the
//! entries, from ENTRIES, RUNTIMES and JS_ENTRIES.

use super::entries::{self, Entry, DEFAULT_RUNTIME, ENTRIES, JS_ENTRIES, NODE_RUNTIME, RUNTIMES};
use crate::util::Result;
use serde_json::{json, Map, Value};

/// The fields this module writes; the template must leave them out.
const GENERATED: &[&str] = &["types", "main", "module", "exports"];

pub fn manifest(template: &str) -> Result<String> {
    let Value::Object(mut fields) =
        serde_json::from_str(template).map_err(|e| format!("pkg-template/package.json: {e}"))?
    else {
        return Err("pkg-template/package.json is not an object".into());
    };
    if let Some(field) = GENERATED.iter().find(|f| fields.contains_key(**f)) {
        return Err(format!(
            "pkg-template/package.json sets \"{field}\", which cargo xtask build writes from xtask/src/build/entries.rs"
        ));
    }
    let full = entries::full();
    // For resolvers that ignore the exports map.
    fields.insert("types".into(), json!(format!("./{}.d.ts", full.name)));
    fields.insert("main".into(), json!(commonjs(full)));
    fields.insert("module".into(), json!(esm(full, DEFAULT_RUNTIME)));
    fields.insert("exports".into(), Value::Object(exports()));
    let text = serde_json::to_string_pretty(&fields).map_err(|e| e.to_string())?;
    Ok(format!("{text}\n"))
}

/// The exports map: each wasm entry by runtime, the JS entries, then the
/// files a partner may import as they are.
fn exports() -> Map<String, Value> {
    let mut map = Map::new();
    for entry in ENTRIES {
        map.insert(subpath(entry.name), wasm_entry(entry));
    }
    for name in JS_ENTRIES {
        map.insert(
            subpath(name),
            json!({
                "require": { "types": format!("./{name}.d.cts"), "default": format!("./{name}.cjs") },
                "default": { "types": format!("./{name}.d.ts"), "default": format!("./{name}.js") },
            }),
        );
    }
    let full = entries::full();
    // peeker-partner/web: ES modules only, for browsers without a bundler;
    // init() fetches the full entry's wasm, importable for its URL.
    map.insert(
        "./web".into(),
        json!({ "types": "./web.d.ts", "import": "./web.js" }),
    );
    for file in [
        "./openapi.json".to_owned(),
        format!("./{}_bg.wasm", full.stem),
        "./package.json".to_owned(),
    ] {
        map.insert(file.clone(), json!(file));
    }
    map
}

/// One wasm entry's conditions: each runtime's ES module (Node's also its
/// CommonJS build for `require`), then `require` and `default` for
/// resolvers that match no runtime.
fn wasm_entry(entry: &Entry) -> Value {
    let mut conditions = Map::new();
    for runtime in RUNTIMES {
        let module = with_types(entry, &esm(entry, runtime), "d.ts");
        let module = if *runtime == NODE_RUNTIME {
            json!({ "require": with_types(entry, &commonjs(entry), "d.cts"), "default": module })
        } else {
            module
        };
        conditions.insert((*runtime).into(), module);
    }
    conditions.insert(
        "require".into(),
        with_types(entry, &commonjs(entry), "d.cts"),
    );
    conditions.insert(
        "default".into(),
        with_types(entry, &esm(entry, DEFAULT_RUNTIME), "d.ts"),
    );
    Value::Object(conditions)
}

/// `types` first: TypeScript takes the first condition it matches.
fn with_types(entry: &Entry, module: &str, types: &str) -> Value {
    json!({ "types": format!("./{}.{types}", entry.name), "default": module })
}

fn esm(entry: &Entry, runtime: &str) -> String {
    format!("./{}.{runtime}.js", entry.name)
}

fn commonjs(entry: &Entry) -> String {
    format!("./{}.{NODE_RUNTIME}.cjs", entry.name)
}

fn subpath(name: &str) -> String {
    if name == "index" {
        ".".into()
    } else {
        format!("./{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_keeps_its_fields_and_gains_the_entries() {
        let out: Value =
            serde_json::from_str(&manifest("{\"name\": \"p\", \"files\": [\"*.js\"]}").unwrap())
                .unwrap();
        let keys: Vec<&str> = out
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            ["name", "files", "types", "main", "module", "exports"]
        );
        assert_eq!(out["main"], "./index.node.cjs");
        assert!(manifest("{\"exports\": {}}").is_err());
    }

    #[test]
    fn conditions_keep_their_order_types_first() {
        let exports = exports();
        let root = exports["."].as_object().unwrap();
        let order: Vec<&str> = root.keys().map(String::as_str).collect();
        assert_eq!(order, ["workerd", "node", "browser", "require", "default"]);
        let node: Vec<&str> = root["node"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(node, ["require", "default"]);
        assert_eq!(
            root["node"]["require"],
            json!({ "types": "./index.d.cts", "default": "./index.node.cjs" })
        );
        assert_eq!(
            exports["./watch"]["default"],
            json!({ "types": "./watch.d.ts", "default": "./watch.js" })
        );
        // The root first, then the table's entries in its order, then the
        // aliases and files.
        let keys: Vec<&str> = exports.keys().map(String::as_str).collect();
        let entries = ENTRIES.iter().map(|e| subpath(e.name));
        let js_entries = JS_ENTRIES.iter().map(|name| subpath(name));
        let mut expected: Vec<String> = entries.chain(js_entries).collect();
        expected.sort_by_key(|s| s != ".");
        expected.extend(
            [
                "./web",
                "./openapi.json",
                "./peeker_partner_bg.wasm",
                "./package.json",
            ]
            .map(String::from),
        );
        assert_eq!(keys, expected);
    }
}
