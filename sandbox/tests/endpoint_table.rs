//! The endpoint table (src/request/mod.rs) is the one description of the API:
//! every row must show up as written in the sandbox's routes and key presets
//! and in the openapi.json the sandbox serves (generated from the same rows).
//! A row changed in the table alone passes here; a surface keeping its own
//! copy of a path, a method, a status or a preset fails.

mod common;

use common::Sandbox;
use peeker_partner::request::{Access, Endpoint, Method};
use serde_json::Value;

const PRESETS: [&str; 3] = ["read", "limited", "full"];
const METHODS: [Method; 4] = [Method::Get, Method::Post, Method::Patch, Method::Delete];

/// A sandbox key of `preset` (the sandbox reads the preset from the key).
fn key(preset: &str) -> String {
    format!("pk_test_{preset}_endpoint_table")
}

/// `create_order` → `createOrder`, the operationId codegen writes.
fn camel(snake: &str) -> String {
    let mut out = String::new();
    for (i, word) in snake.split('_').enumerate() {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            if i == 0 {
                out.push(first);
            } else {
                out.push(first.to_ascii_uppercase());
            }
            out.push_str(chars.as_str());
        }
    }
    out
}

fn method_key(m: Method) -> String {
    m.as_str().to_ascii_lowercase()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_row_is_an_operation_of_the_served_openapi_json() {
    let sb = Sandbox::default().await;
    let doc = sb.send("GET", "/openapi.json", None, None).await.body;
    let paths = doc["paths"].as_object().expect("paths");
    for &e in Endpoint::ALL {
        let at = format!("{} {}", e.method().as_str(), e.path_template());
        let op = &paths
            .get(e.path_template())
            .unwrap_or_else(|| panic!("{at}: path missing from openapi.json"))
            [method_key(e.method())];
        assert!(op.is_object(), "{at}: operation missing from openapi.json");
        assert_eq!(op["operationId"], camel(e.builder_name()), "{at}");
        assert!(
            op["responses"][e.success_status().to_string()].is_object(),
            "{at}: no {} response",
            e.success_status()
        );
        let presets = match e.access() {
            Access::Read => Value::Null,
            other => Value::from(other.presets()),
        };
        assert_eq!(op["x-permission-presets"], presets, "{at}");
        let has_id = op["parameters"]
            .as_array()
            .is_some_and(|ps| ps.iter().any(|p| p["in"] == "path" && p["name"] == "id"));
        assert_eq!(
            has_id,
            e.path_template().contains("{id}"),
            "{at}: id parameter"
        );
        assert_eq!(
            op["requestBody"].is_object(),
            e.body_schema().is_some(),
            "{at}: request body"
        );
    }
    let operations: usize = paths
        .values()
        .map(|p| p.as_object().map_or(0, |ops| ops.len()))
        .sum();
    assert_eq!(
        operations,
        Endpoint::ALL.len(),
        "operations not in the table"
    );
    sb.handle.stop().await;
}

/// Each row's method and path reach its handler for the presets its `access`
/// names and are refused (403) for the others; the other methods at the path
/// answer 405 naming the row's. Ids name no record and bodies are `{}`, so
/// nothing is created: handlers answer 200, 400 or 404 of their own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_row_is_routed_with_the_presets_its_access_names() {
    let sb = Sandbox::default().await;
    for &e in Endpoint::ALL {
        let path = e.path_template().replace("{id}", "tbl_missing");
        let at = format!("{} {path}", e.method().as_str());
        let body =
            (e.method() != Method::Get && e.method() != Method::Delete).then(|| b"{}".to_vec());
        for preset in PRESETS {
            let r = sb
                .send(e.method().as_str(), &path, body.clone(), Some(&key(preset)))
                .await;
            if e.access().presets().contains(&preset) {
                let message = r.body["error"]["message"].as_str().unwrap_or("");
                let unrouted = r.status == 404 && message.starts_with("no route");
                assert!(
                    !unrouted && ![403, 405].contains(&r.status),
                    "{at} as {preset}: not routed to its handler: {} {}",
                    r.status,
                    r.body
                );
            } else {
                assert_eq!(r.status, 403, "{at} as {preset}: {}", r.body);
                assert_eq!(r.code(), "forbidden", "{at} as {preset}");
                assert_eq!(r.body["error"]["details"]["permission_preset"], preset);
            }
        }
        let served: Vec<Method> = Endpoint::ALL
            .iter()
            .filter(|o| o.path_template() == e.path_template())
            .map(|o| o.method())
            .collect();
        for m in METHODS.into_iter().filter(|m| !served.contains(m)) {
            let r = sb.send(m.as_str(), &path, None, Some(&key("full"))).await;
            assert_eq!(r.status, 405, "{} {path}: {}", m.as_str(), r.body);
            let allowed = &r.body["error"]["details"]["allowed_methods"];
            assert!(
                allowed
                    .as_array()
                    .is_some_and(|a| a.iter().any(|v| v == e.method().as_str())),
                "{} {path}: 405 does not name {}: {allowed}",
                m.as_str(),
                e.method().as_str()
            );
        }
    }
    sb.handle.stop().await;
}
