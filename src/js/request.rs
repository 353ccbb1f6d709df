//! `buildRequest(name, ...)`: the exact request for any endpoint, named as the
//! client's methods are (`"orders.create"`, `"swaps.userNames"`).

use super::{from_js, js_error, ErrorKind};
use crate::error::{codes, PeekerError, Result};
use crate::request::{Args, Endpoint, HttpRequest};
use serde_json::Value;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS: &str = r#"
/**
 * The exact request for an endpoint: validated (throws a `ValidationError`
 * listing every problem) and with a canonical body, so the same logical body
 * always gives the same bytes.
 */
export function buildRequest<K extends keyof RequestBuilders>(
  name: K,
  ...args: Parameters<RequestBuilders[K]>
): HttpRequest;
"#;

/// See the TypeScript declaration above.
#[wasm_bindgen(js_name = buildRequest, skip_typescript)]
pub fn build_request(name: JsValue, first: JsValue, second: JsValue) -> Result<JsValue, JsValue> {
    // Any value may arrive from JS; a non-string name is just an unknown one.
    let name = name.as_string().unwrap_or_default();
    build(&name, &first, &second)
        .map(|req| to_js_request(&req))
        .map_err(|e| {
            let kind = if e.problems.is_empty() {
                ErrorKind::Peeker
            } else {
                ErrorKind::Validation
            };
            js_error(kind, &e)
        })
}

/// The request a client method name stands for, from its JS arguments.
pub(super) fn build(name: &str, first: &JsValue, second: &JsValue) -> Result<HttpRequest> {
    let Some(endpoint) = Endpoint::from_client_name(name) else {
        return Err(PeekerError::new(
            codes::INVALID_REQUEST,
            format!(
                // JSON-quoted by serde_json's writer. Not `{:?}`, and not
                // `Value`'s Display: that writes through an io adapter whose
                // error is a boxed String, and both bring core's Debug
                // escaping (kilobytes) into the wasm.
                "unknown endpoint {}; use a client method name such as \"orders.create\"",
                serde_json::to_string(crate::validate::names::show(name).as_str())
                    .unwrap_or_default()
            ),
        )
        .with_field("name"));
    };
    let id = || -> Result<String> {
        first.as_string().ok_or_else(|| {
            PeekerError::new(
                codes::INVALID_REQUEST,
                format!("{name} needs the id as its first argument (a string)"),
            )
            .with_field("id")
        })
    };
    // A missing query is an empty one.
    let query = || -> Result<Value> {
        match from_js(first, "query")? {
            Value::Null => Ok(Value::Object(Default::default())),
            v => Ok(v),
        }
    };
    match endpoint.args() {
        Args::None => endpoint.build(None, &Value::Null),
        Args::Id => endpoint.build(Some(&id()?), &Value::Null),
        Args::Body => endpoint.build(None, &from_js(first, "")?),
        Args::IdBody | Args::IdOptionalBody => endpoint.build(Some(&id()?), &from_js(second, "")?),
        Args::Query | Args::OptionalQuery => endpoint.build(None, &query()?),
    }
}

fn to_js_request(req: &HttpRequest) -> JsValue {
    let obj = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| {
        let _ = js_sys::Reflect::set(&obj, &JsValue::from_str(k), v);
    };
    set("method", &JsValue::from_str(req.method.as_str()));
    set("path", &JsValue::from_str(&req.path));
    let query = js_sys::Array::new();
    for (k, v) in &req.query {
        query.push(&js_sys::Array::of2(
            &JsValue::from_str(k),
            &JsValue::from_str(v),
        ));
    }
    set("query", &query);
    let body = req
        .body
        .as_deref()
        .map_or(JsValue::NULL, |b| js_sys::Uint8Array::from(b).into());
    set("body", &body);
    set("retry_safe", &JsValue::from_bool(req.retry_safe()));
    obj.into()
}
