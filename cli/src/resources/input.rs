//! A resource command's input as the client's JSON arguments: `--data`
//! (JSON, `@file`, `-`), `--query k=v` read by the query's schema in the
//! endpoint table, and the names of `domains availability`.

use super::{Action, Target};
use crate::exit::Failure;
use clap::ArgMatches;
use serde_json::{Map, Value};
use std::io::Read;

/// One query parameter, as the endpoint's query schema declares it.
pub struct QueryParam {
    pub name: String,
    /// `integer`, `array` or `string`.
    pub kind: &'static str,
    pub required: bool,
}

impl QueryParam {
    /// `per_page (integer)`, `domains (list, required)`.
    pub fn describe(&self) -> String {
        let kind = if self.kind == "array" {
            "list"
        } else {
            self.kind
        };
        let required = if self.required { ", required" } else { "" };
        format!("{} ({kind}{required})", self.name)
    }

    /// A value for an example.
    pub fn sample(&self) -> &'static str {
        match self.kind {
            "array" => "acme.com,team-acme.com",
            "integer" => "10",
            _ => "VALUE",
        }
    }
}

/// The query parameters of a list endpoint, from its schema.
pub fn query_params(a: Action) -> Option<Vec<QueryParam>> {
    let Target::Endpoint(e) = a.target else {
        return None;
    };
    let mut g = schemars::SchemaGenerator::default();
    let schema = e.query_schema()?(&mut g);
    let name = schema
        .as_value()
        .get("$ref")?
        .as_str()?
        .rsplit('/')
        .next()?;
    let def = g.definitions().get(name)?;
    let required: Vec<&str> = def
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let props = def.get("properties")?.as_object()?;
    Some(
        props
            .iter()
            .map(|(name, s)| QueryParam {
                name: name.clone(),
                kind: kind_of(s),
                required: required.contains(&name.as_str()),
            })
            .collect(),
    )
}

/// `integer`, `array` or `string`: what a property's schema says it takes.
fn kind_of(schema: &Value) -> &'static str {
    let text = schema.get("type").map(Value::to_string).unwrap_or_default();
    if text.contains("integer") {
        "integer"
    } else if text.contains("array") {
        "array"
    } else {
        "string"
    }
}

/// `--query k=v …` as the query object: integers as numbers, lists split on
/// commas (and gathered from repeated keys).
pub fn query(a: Action, m: &ArgMatches) -> Result<Value, Failure> {
    let Some(pairs) = m.try_get_many::<String>("query").ok().flatten() else {
        return Ok(Value::Null);
    };
    let params = query_params(a).unwrap_or_default();
    let mut out = Map::new();
    for pair in pairs {
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| Failure::usage(format!("--query takes KEY=VALUE, not {pair:?}")))?;
        let kind = params
            .iter()
            .find(|p| p.name == key)
            .map_or("string", |p| p.kind);
        match kind {
            "array" => {
                let list = out.entry(key).or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(items) = list {
                    items.extend(value.split(',').map(|v| Value::from(v.trim())));
                }
            }
            // Left as text when it is no number: the validator names the field.
            "integer" => {
                let n = value.parse::<i64>().map(Value::from);
                out.insert(key.to_owned(), n.unwrap_or_else(|_| value.into()));
            }
            _ => {
                out.insert(key.to_owned(), value.into());
            }
        }
    }
    Ok(Value::Object(out))
}

/// The body: positional names, or `--data` (`null` when there is none).
pub fn body(m: &ArgMatches) -> Result<Value, Failure> {
    if let Some(names) = m.try_get_many::<String>("names").ok().flatten() {
        return Ok(names.map(|n| Value::from(n.as_str())).collect());
    }
    let Some(data) = m.try_get_one::<String>("data").ok().flatten() else {
        return Ok(Value::Null);
    };
    let (text, from) = if data == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::failed(format!("cannot read standard input: {e}")))?;
        (text, "standard input".to_owned())
    } else if let Some(path) = data.strip_prefix('@') {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::failed(format!("cannot read {path}: {e}")))?;
        (text, path.to_owned())
    } else {
        (data.clone(), "--data".to_owned())
    };
    serde_json::from_str(&text).map_err(|e| Failure::usage(format!("{from} is not JSON: {e}")))
}

/// The `ID` argument, when the command takes one.
pub fn id(m: &ArgMatches) -> Option<String> {
    m.try_get_one::<String>("id").ok().flatten().cloned()
}
