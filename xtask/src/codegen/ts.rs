//! JSON Schema → TypeScript: the one mapping every `.d.ts` emitter uses.

use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::fmt::Write as _;

pub fn doc(out: &mut String, indent: &str, text: Option<&str>) {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return;
    };
    let text = text.replace("*/", "*\\/");
    if !text.contains('\n') {
        let _ = writeln!(out, "{indent}/** {text} */");
        return;
    }
    let _ = writeln!(out, "{indent}/**");
    for line in text.lines() {
        let _ = writeln!(out, "{indent} * {line}");
    }
    let _ = writeln!(out, "{indent} */");
}

pub fn description(schema: &Value) -> Option<&str> {
    schema.get("description").and_then(Value::as_str)
}

/// A property's description, ending with its default when the schema has one.
fn with_default(prop: &Value) -> Option<String> {
    let text = description(prop).map(str::trim).filter(|t| !t.is_empty());
    match (text, prop.get("default")) {
        (text, Some(default)) => {
            Some(text.map_or(String::new(), |t| format!("{t} ")) + &format!("Default: {default}."))
        }
        (text, None) => text.map(str::to_owned),
    }
}

/// One named definition: an interface for an object, else a type alias.
pub fn declare(out: &mut String, name: &str, schema: &Value) {
    out.push('\n');
    doc(out, "", description(schema));
    if schema.get("properties").is_some() && schema.get("anyOf").is_none() {
        let _ = writeln!(out, "export interface {name} {}", object_ts(schema, "", ""));
    } else {
        let _ = writeln!(out, "export type {name} = {};", ts(schema, "", ""));
    }
}

/// `{ a: T; b?: U; }`, one property a line, with its doc comment. No index
/// signature: unknown fields are kept at run time, not typed.
fn object_ts(schema: &Value, indent: &str, ns: &str) -> String {
    let empty = Map::new();
    let props = schema
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let required: BTreeSet<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let inner = format!("{indent}  ");
    let mut out = String::from("{\n");
    for (key, prop) in props {
        doc(&mut out, &inner, with_default(prop).as_deref());
        let opt = if required.contains(key.as_str()) {
            ""
        } else {
            "?"
        };
        let _ = writeln!(out, "{inner}{key}{opt}: {};", ts(prop, &inner, ns));
    }
    out.push_str(indent);
    out.push('}');
    out
}

/// The TypeScript type of a schema; the named types it refers to are
/// written `{ns}Name` (`ns` is `"api."` where they are imported as `api`).
pub fn ts(schema: &Value, indent: &str, ns: &str) -> String {
    let Some(obj) = schema.as_object() else {
        return "unknown".into(); // `true`
    };
    if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
        return format!("{ns}{}", r.rsplit('/').next().unwrap_or(r));
    }
    if let Some(c) = obj.get("const") {
        return c.to_string();
    }
    if let Some(values) = obj.get("enum").and_then(Value::as_array) {
        let mut parts: Vec<String> = values.iter().map(Value::to_string).collect();
        if obj.get("x-open-enum") == Some(&Value::Bool(true)) {
            parts.push("(string & {})".into());
        }
        return parts.join(" | ");
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(list) = obj.get(key).and_then(Value::as_array) {
            // A member with only constraints (`{format}`, `{pattern}`) has the outer type.
            return union(list.iter().map(|s| {
                let mut s = s.clone();
                if let (Some(member), Some(t)) = (s.as_object_mut(), obj.get("type")) {
                    member.entry("type").or_insert_with(|| t.clone());
                }
                ts(&s, indent, ns)
            }));
        }
    }
    match obj.get("type") {
        Some(Value::Array(types)) => union(types.iter().map(|t| {
            let mut one = obj.clone();
            one.insert("type".into(), t.clone());
            ts(&Value::Object(one), indent, ns)
        })),
        Some(Value::String(t)) => match t.as_str() {
            "string" => "string".into(),
            "integer" | "number" => "number".into(),
            "boolean" => "boolean".into(),
            "null" => "null".into(),
            "array" => {
                let item = obj
                    .get("items")
                    .map_or("unknown".into(), |i| ts(i, indent, ns));
                if item.contains(' ') {
                    format!("({item})[]")
                } else {
                    format!("{item}[]")
                }
            }
            "object" if obj.contains_key("properties") => object_ts(schema, indent, ns),
            "object" => match obj.get("additionalProperties") {
                Some(v @ Value::Object(_)) => format!("Record<string, {}>", ts(v, indent, ns)),
                _ => "Record<string, unknown>".into(),
            },
            _ => "unknown".into(),
        },
        _ => "unknown".into(),
    }
}

pub fn union(parts: impl Iterator<Item = String>) -> String {
    let mut seen = Vec::new();
    for p in parts {
        if !seen.contains(&p) {
            seen.push(p);
        }
    }
    seen.join(" | ")
}
