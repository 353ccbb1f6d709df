//! `pkg-template/openapi.json`: the API as OpenAPI 3.1, from the endpoint
//! table, the error table and the model types' schemas.

mod schemas;

use super::pascal;
use super::schemas::Api;
use super::ts::description;
use crate::util::{self, Result};
use peeker_partner::error::classes::{self, On};
use peeker_partner::model::EVENTS;
use peeker_partner::options::DEFAULT_BASE_URL;
use peeker_partner::request::{Access, Args, Endpoint, Method};
use schemas::{
    decided, open_enums, order_shapes, prune_schemas, reference, strip_open_marker,
    DECIDED_SCHEMAS, DECISION,
};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;
use std::fs;

pub fn openapi(api: &mut Api) -> Result<String> {
    let mut doc = openapi_document(api)?;
    prune_schemas(&mut doc);
    let mut text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
    text.push('\n');
    Ok(text)
}

fn openapi_document(api: &mut Api) -> Result<Value> {
    let version = crate_version()?;
    let mut paths = Map::new();
    for &e in Endpoint::ALL {
        let g = &mut api.gen;
        let mut op = Map::new();
        op.insert("operationId".into(), json!(pascal_camel(e.builder_name())));
        op.insert(
            "summary".into(),
            json!(format!(
                "{} ({})",
                e.client_name(),
                e.builder_name().replace('_', " ")
            )),
        );
        if !e.summary().is_empty() {
            op.insert("description".into(), json!(e.summary()));
        }
        op.insert(
            "tags".into(),
            json!([e.client_name().split('.').next().unwrap_or("me")]),
        );
        let mut params = Vec::new();
        if e.path_template().contains("{id}") {
            params.push(json!({
                "name": "id", "in": "path", "required": true,
                "description": "The record's id (`bun_…`, `usr_…`, `imp_…`, …).",
                "schema": { "type": "string", "minLength": 1, "maxLength": 255 },
            }));
        }
        if let Some(f) = e.query_schema() {
            let r = f(g).to_value();
            let name = r["$ref"]
                .as_str()
                .unwrap_or_default()
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_owned();
            let def = api
                .gen
                .definitions()
                .get(&name)
                .cloned()
                .unwrap_or_default();
            let required: BTreeSet<String> = def["required"]
                .as_array()
                .map(|r| {
                    r.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            if let Some(props) = def["properties"].as_object() {
                for (key, schema) in props {
                    let mut p = json!({
                        "name": key, "in": "query",
                        "required": required.contains(key),
                        "schema": non_null(schema),
                    });
                    if let Some(d) = description(schema) {
                        p["description"] = json!(d);
                    }
                    if schema["type"] == "array" {
                        // `domains=a.com,b.com`
                        p["style"] = json!("form");
                        p["explode"] = json!(false);
                    }
                    params.push(p);
                }
            }
        }
        if !params.is_empty() {
            op.insert("parameters".into(), Value::Array(params));
        }
        let g = &mut api.gen;
        if let Some(f) = e.body_schema() {
            op.insert(
                "requestBody".into(),
                json!({
                    "required": e.args() != Args::IdOptionalBody,
                    "content": { "application/json": { "schema": f(g).to_value() } },
                }),
            );
        }
        let data = (e.response_schema())(g).to_value();
        let body = if e.paginated() {
            json!({
                "type": "object", "required": ["data", "links", "meta"],
                "properties": {
                    "data": { "type": "array", "items": data },
                    "links": reference("Links"),
                    "meta": reference("Meta"),
                },
            })
        } else {
            json!({ "type": "object", "required": ["data"], "properties": { "data": data } })
        };
        let mut responses = Map::new();
        responses.insert(
            e.success_status().to_string(),
            json!({
                "description": "Success.",
                "headers": { "Peeker-Request-Id": { "$ref": "#/components/headers/RequestId" } },
                "content": { "application/json": { "schema": body } },
            }),
        );
        for (status, why) in error_answers(e) {
            let response = match why {
                Some(why) => json!({
                    "description": why,
                    "headers": { "Peeker-Request-Id": { "$ref": "#/components/headers/RequestId" } },
                    "content": { "application/json": { "schema": reference("ErrorEnvelope") } },
                }),
                None => json!({ "$ref": format!("#/components/responses/E{status}") }),
            };
            responses.insert(status.to_string(), response);
        }
        op.insert("responses".into(), Value::Object(responses));
        if e.access() != Access::Read {
            op.insert("x-permission-presets".into(), json!(e.access().presets()));
        }
        let path = paths
            .entry(e.path_template().to_owned())
            .or_insert_with(|| json!({}));
        path[e.method().as_str().to_ascii_lowercase()] = Value::Object(op);
    }

    add_links(&mut paths);

    let mut webhooks = Map::new();
    for kind in EVENTS {
        let data = (kind.data)(&mut api.gen).to_value();
        webhooks.insert(
            kind.event_type.to_owned(),
            json!({ "post": {
                "operationId": format!("on{}", pascal(kind.event_type)),
                "summary": kind.event_type,
                "description": kind.description.trim(),
                "tags": ["webhooks"],
                "security": [],
                "parameters": [
                    { "name": "Peeker-Event-Id", "in": "header", "required": true,
                      "description": "The event's `id` (`evt_…`), the same on every attempt.",
                      "schema": { "type": "string" } },
                    { "name": "Peeker-Timestamp", "in": "header", "required": true,
                      "description": "Unix seconds when Peeker signed this attempt.",
                      "schema": { "type": "string", "pattern": "^[0-9]{1,19}$" } },
                    { "name": "Peeker-Signature", "in": "header", "required": true,
                      "description": format!("{DECISION}the signed content is `{{Peeker-Timestamp}}.{{raw body}}` (the timestamp header's digits, a full stop, the body's bytes as sent). `v1=<hex HMAC-SHA256 of it under the webhook secret>`, several entries comma-separated while the secret rotates."),
                      "x-peeker-decision": true,
                      "schema": { "type": "string" } },
                ],
                "requestBody": { "required": true, "content": { "application/json": { "schema": {
                    "type": "object", "required": ["id", "type", "created_at", "data"],
                    "properties": {
                        "id": { "type": "string" },
                        "type": { "const": kind.event_type },
                        "created_at": { "type": "string", "format": "date-time" },
                        "data": data,
                    },
                } } } },
                "responses": { "200": { "description": "Any 2xx within 15 s counts as delivered." } },
            } }),
        );
    }

    let mut schemas = api.definitions();
    open_enums(&paths, &mut schemas);
    for schema in schemas.values_mut() {
        strip_open_marker(schema);
    }
    order_shapes(&mut schemas);
    for (name, why) in DECIDED_SCHEMAS {
        if let Some(Value::Object(s)) = schemas.get_mut(*name) {
            decided(s, why);
        }
    }
    let mut responses = Map::new();
    for (_, answer) in classes::answers() {
        let mut response = json!({
            "description": answer.meaning,
            "headers": { "Peeker-Request-Id": { "$ref": "#/components/headers/RequestId" } },
            "content": { "application/json": { "schema": reference("ErrorEnvelope") } },
        });
        if let (Some(why), Value::Object(r)) = (answer.decision, &mut response) {
            decided(r, why);
        }
        responses.insert(format!("E{}", answer.first), response);
    }
    Ok(json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Peeker Partner API",
            "version": version,
            "description": "Buy, import and provision cold-email domains and inboxes for your customers. Generated from the peeker-partner SDK's endpoint table and model types.",
            "license": { "name": "MIT OR Apache-2.0", "identifier": "MIT OR Apache-2.0" },
        },
        "servers": [
            { "url": DEFAULT_BASE_URL, "description": "Production and sandbox (the key decides)." },
        ],
        "security": [ { "bearer": [] } ],
        "tags": tags(),
        "paths": paths,
        "webhooks": webhooks,
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http", "scheme": "bearer",
                    "description": "`Authorization: Bearer pk_test_…` (sandbox) or `pk_live_…`.",
                },
            },
            "headers": {
                "RequestId": {
                    "description": "`req_<ULID>`: quote it to support.",
                    "schema": { "type": "string" },
                },
            },
            "responses": responses,
            "schemas": schemas,
        },
    }))
}

/// Links from a create to what then uses its `id` (stateful sequences for
/// schemathesis, and the reader's map of the API).
///
/// Derived from the table: a POST on `/things` leads to every endpoint under
/// `/things/{id}` (`POST /bundles` → `GET`/`PATCH`/`DELETE /bundles/{id}`,
/// `POST /orders` → `POST /orders/{id}/cancel`). The `ids` column adds the
/// ids a body takes from another resource.
fn add_links(paths: &mut Map<String, Value>) {
    let mut links: Vec<(Endpoint, Endpoint, Value)> = Vec::new();
    for &from in Endpoint::ALL {
        if from.method() != Method::Post || from.path_template().contains("{id}") {
            continue;
        }
        let under = format!("{}/{{id}}", from.path_template());
        for &to in Endpoint::ALL {
            if to.path_template().starts_with(&under) {
                links.push((
                    from,
                    to,
                    json!({ "parameters": { "path.id": "$response.body#/data/id" } }),
                ));
            }
        }
    }
    for &to in Endpoint::ALL {
        for &(field, from) in to.ids() {
            links.push((
                from,
                to,
                json!({ "requestBody": { field: "$response.body#/data/id" } }),
            ));
        }
    }
    for (from, to, mut link) in links {
        link["operationId"] = json!(pascal_camel(to.builder_name()));
        link["description"] = json!(format!(
            "`{} {}` with the `id` of what `{} {}` made.",
            to.method().as_str(),
            to.path_template(),
            from.method().as_str(),
            from.path_template()
        ));
        let response = &mut paths[from.path_template()]
            [from.method().as_str().to_ascii_lowercase()]["responses"]
            [from.success_status().to_string()];
        response["links"][pascal(to.builder_name())] = link;
    }
}

fn tags() -> Value {
    let mut names: Vec<&str> = Vec::new();
    for e in Endpoint::ALL {
        let t = e.client_name().split('.').next().unwrap_or("me");
        if !names.contains(&t) {
            names.push(t);
        }
    }
    names.push("webhooks");
    Value::Array(
        names
            .into_iter()
            .map(|n| json!({ "name": n, "description": format!("`client.{n}`") }))
            .collect(),
    )
}

/// The error answers an endpoint may give (the error table's `on` column and
/// the endpoint's `errors`), with what one means there when the table's own
/// meaning is not enough; by status.
fn error_answers(e: Endpoint) -> Vec<(u16, Option<&'static str>)> {
    let mut out = Vec::new();
    for (class, answer) in classes::answers() {
        let listed = e.errors().iter().find(|(c, _)| c.name == class.name);
        let answered = match answer.on {
            On::Every => true,
            On::Writes => e.method() != Method::Get,
            On::Listed => listed.is_some(),
        };
        if answered {
            out.push((answer.first, listed.and_then(|(_, why)| *why)));
        }
    }
    out
}

/// A query parameter's schema: the value itself (an unset one is left out).
fn non_null(schema: &Value) -> Value {
    let mut s = schema.clone();
    if let Some(Value::Array(types)) = s.get("type") {
        let kept: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        s["type"] = if kept.len() == 1 {
            kept[0].clone()
        } else {
            Value::Array(kept)
        };
    }
    if let Some(Value::Array(values)) = s.get_mut("enum") {
        values.retain(|v| !v.is_null());
    }
    if let Some(list) = s.get("anyOf").and_then(Value::as_array) {
        let kept: Vec<Value> = list
            .iter()
            .filter(|v| v["type"] != "null")
            .cloned()
            .collect();
        if kept.len() == 1 {
            return kept[0].clone();
        }
    }
    if let Some(obj) = s.as_object_mut() {
        obj.remove("description");
    }
    s
}

/// `create_order` → `createOrder`.
fn pascal_camel(snake: &str) -> String {
    let p = pascal(snake);
    let mut c = p.chars();
    c.next()
        .map(|f| f.to_ascii_lowercase().to_string() + c.as_str())
        .unwrap_or_default()
}

fn crate_version() -> Result<String> {
    let manifest =
        fs::read_to_string(util::root().join("Cargo.toml")).map_err(|e| e.to_string())?;
    manifest
        .split("[package]")
        .nth(1)
        .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = \"")))
        .map(|v| v.trim_end_matches('"').to_owned())
        .ok_or_else(|| "no version in Cargo.toml".into())
}
