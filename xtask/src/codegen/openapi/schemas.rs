//! The schemas as openapi.json gives them: only those reachable, open enums
//! as generated clients read them, the two shapes of an order, and the
//! project's decisions marked.

use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

pub fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// Drops the schemas no path or webhook reaches (the SDK-only types).
pub fn prune_schemas(doc: &mut Value) {
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                    if let Some(name) = r.strip_prefix("#/components/schemas/") {
                        out.push(name.to_owned());
                    }
                }
                m.values().for_each(|v| refs(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let schemas = doc["components"]["schemas"].take();
    let mut todo = Vec::new();
    refs(doc, &mut todo);
    let mut kept = Map::new();
    while let Some(name) = todo.pop() {
        if kept.contains_key(&name) {
            continue;
        }
        if let Some(s) = schemas.get(&name) {
            refs(s, &mut todo);
            kept.insert(name, s.clone());
        }
    }
    doc["components"]["schemas"] = Value::Object(
        kept.into_iter()
            .collect::<std::collections::BTreeMap<_, _>>()
            .into_iter()
            .collect(),
    );
}

/// The description prefix of what this project decided where Peeker's docs
/// are silent; the node also carries `x-peeker-decision: true`.
pub const DECISION: &str = "Project decision (Peeker's docs are silent): ";

pub fn decided(node: &mut Map<String, Value>, why: &str) {
    let text = match node.get("description").and_then(Value::as_str) {
        Some(d) if !d.is_empty() => format!("{DECISION}{why}\n\n{d}"),
        _ => format!("{DECISION}{why}"),
    };
    node.insert("description".into(), json!(text));
    node.insert("x-peeker-decision".into(), json!(true));
}

/// Schemas whose shape this project decided (docs/contract.md#sources-and-precedence).
pub const DECIDED_SCHEMAS: &[(&str, &str)] = &[
    (
        "DomainImport",
        "one import object answers the sync import, the import job, both reads and the \
         `domain_import.*` events (rows with `status`/`reason`, `nameserver_groups`).",
    ),
    (
        "ImportLookup",
        "the lookup answers the newest import holding each asked-for name and the names no \
         import holds.",
    ),
    (
        "ErrorCode",
        "`method_not_allowed` (405, a method the path does not have, with `Allow`), \
         `payload_too_large` (413, a body over 1 MiB) and `unsupported_media_type` (415, a \
         write that is not `application/json`) are this project's codes.",
    ),
];

/// Open enums (`x-open-enum`), as generated clients read them: in answers,
/// `anyOf: [{type: string, enum: [known…]}, {type: string}]`, so a value a
/// newer server sends still decodes (openapi-generator, oapi-codegen and
/// openapi-python-client keep the string); in request bodies, the closed list
/// inline, since the server refuses anything else.
pub fn open_enums(paths: &Map<String, Value>, schemas: &mut Map<String, Value>) {
    let open: Map<String, Value> = schemas
        .iter()
        .filter(|(_, s)| s["x-open-enum"] == true)
        .map(|(n, s)| (n.clone(), s.clone()))
        .collect();
    // The schemas a request body or parameter reaches.
    let mut todo = Vec::new();
    for op in paths
        .values()
        .filter_map(Value::as_object)
        .flat_map(|p| p.values())
    {
        schema_refs(&op["requestBody"], &mut todo);
        schema_refs(&op["parameters"], &mut todo);
    }
    let mut request = BTreeSet::new();
    while let Some(name) = todo.pop() {
        if request.insert(name.clone()) {
            if let Some(s) = schemas.get(&name) {
                schema_refs(s, &mut todo);
            }
        }
    }
    fn inline_closed(v: &mut Value, open: &Map<String, Value>) {
        match v {
            Value::Object(m) => {
                let target = m
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix("#/components/schemas/"))
                    .and_then(|n| open.get(n));
                if let Some(closed) = target {
                    *v = closed.clone();
                } else {
                    m.values_mut().for_each(|v| inline_closed(v, open));
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|v| inline_closed(v, open)),
            _ => {}
        }
    }
    for name in &request {
        if !open.contains_key(name) {
            if let Some(s) = schemas.get_mut(name) {
                inline_closed(s, &open);
            }
        }
    }
    for (name, closed) in &open {
        let mut known = closed.clone();
        let description = known.as_object_mut().and_then(|k| k.remove("description"));
        let mut schema = json!({
            "anyOf": [known, { "type": "string", "description": "A value this version does not know yet." }],
        });
        if let Some(d) = description {
            schema["description"] = d;
        }
        schemas.insert(name.clone(), schema);
    }
}

fn schema_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(name) = m
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                out.push(name.to_owned());
            }
            m.values().for_each(|v| schema_refs(v, out));
        }
        Value::Array(a) => a.iter().for_each(|v| schema_refs(v, out)),
        _ => {}
    }
}

/// `POST /orders` is a bundle order or a custom order, never both: the body is
/// `anyOf` the two shapes, which exclude each other by their types (so it is a
/// `oneOf` too; `anyOf` because linters cannot see that without a property
/// both require). `BundleOrder` has a `bundle_id` string and no license fields
/// (`null` is the same as left out); `CustomOrder` has no `bundle_id` (or
/// `null`) and takes the license fields.
pub fn order_shapes(schemas: &mut Map<String, Value>) {
    let Some(order) = schemas.get("CreateOrder").cloned() else {
        return;
    };
    const CUSTOM: &[&str] = &[
        "google_licenses",
        "microsoft_licenses",
        "google_inboxes_per_domain",
    ];
    let mut bundle = order.clone();
    bundle["properties"]["bundle_id"] =
        json!({ "type": "string", "description": "A saved bundle (`bun_…`)." });
    for f in CUSTOM {
        bundle["properties"][*f] =
            json!({ "type": "null", "description": "Not in a bundle order (the bundle decides)." });
    }
    if let Some(Value::Array(r)) = bundle.get_mut("required") {
        r.insert(1, json!("bundle_id"));
    }
    bundle["description"] =
        json!("`POST /orders` for a saved bundle: `bundle_id` and no license fields.");
    let mut custom = order;
    custom["properties"]["bundle_id"] =
        json!({ "type": "null", "description": "Not in a custom order." });
    custom["description"] = json!(
        "`POST /orders` with custom license counts: `google_licenses` and/or \
         `microsoft_licenses` (at least one above 0), no `bundle_id`."
    );
    schemas.insert("BundleOrder".into(), bundle);
    schemas.insert("CustomOrder".into(), custom);
    schemas.insert(
        "CreateOrder".into(),
        json!({
            "description": "`POST /orders`: `user` is a `usr_…` id or an email; either a bundle \
                order (`bundle_id`) or a custom order (license counts), never both \
                (`400 order_shape_conflict`).",
            "anyOf": [reference("BundleOrder"), reference("CustomOrder")],
        }),
    );
}

pub fn strip_open_marker(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.remove("x-open-enum");
            m.values_mut().for_each(strip_open_marker);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_open_marker),
        _ => {}
    }
}
