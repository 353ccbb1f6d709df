//! The wasm-bindgen surface. This layer only converts values and errors at the
//! boundary; every decision is made by the pure core.
//!
//! Values cross as JSON: `JSON.stringify` on the way in (so cyclic objects,
//! BigInts and absurd nesting become typed errors, never a wasm trap) and
//! `JSON.parse` on the way out (plain objects, never `Map`s).

#[cfg(feature = "full")]
mod request;
#[cfg(feature = "full")]
mod validate;
mod webhook;

#[cfg(feature = "full")]
use crate::error::codes;
use crate::error::PeekerError;
#[cfg(feature = "full")]
use serde::Serialize;
#[cfg(feature = "full")]
use serde_json::Value;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/js/errors.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeError)]
    fn make_error(
        kind: &str,
        message: &str,
        code: &str,
        field: Option<String>,
        details: JsValue,
        problems: JsValue,
    ) -> JsValue;
}

/// Which JS class an error becomes.
#[derive(Clone, Copy)]
pub(crate) enum ErrorKind {
    Peeker,
    #[cfg_attr(not(feature = "full"), allow(dead_code))]
    Validation,
    Webhook,
}

pub(crate) fn js_error(kind: ErrorKind, e: &PeekerError) -> JsValue {
    let kind = match kind {
        ErrorKind::Peeker => "peeker",
        ErrorKind::Validation => "validation",
        ErrorKind::Webhook => "webhook",
    };
    let (details, problems) = extras(e);
    make_error(
        kind,
        &e.message,
        &e.code,
        e.field.clone(),
        details,
        problems,
    )
}

/// `details` and `problems` as JS values.
#[cfg(feature = "full")]
fn extras(e: &PeekerError) -> (JsValue, JsValue) {
    let details = e.details.as_ref().map_or(JsValue::UNDEFINED, |d| {
        to_js(d).unwrap_or(JsValue::UNDEFINED)
    });
    let problems = if e.problems.is_empty() {
        JsValue::UNDEFINED
    } else {
        to_js(&e.problems).unwrap_or(JsValue::UNDEFINED)
    };
    (details, problems)
}

/// The verifier-only build has neither, and so no JSON encoder.
#[cfg(not(feature = "full"))]
fn extras(_: &PeekerError) -> (JsValue, JsValue) {
    (JsValue::UNDEFINED, JsValue::UNDEFINED)
}

/// A JS value as JSON. `undefined` becomes `null`.
#[cfg(feature = "full")]
pub(crate) fn from_js(value: &JsValue, field: &str) -> Result<Value, PeekerError> {
    if value.is_undefined() {
        return Ok(Value::Null);
    }
    let text = js_sys::JSON::stringify(value).map_err(|_| {
        PeekerError::new(
            codes::INVALID_REQUEST,
            "value cannot be converted to JSON (a cycle, a BigInt or a getter that throws); pass plain objects, arrays, strings, numbers and booleans",
        )
        .with_field(field)
    })?;
    let text: String = text.as_string().unwrap_or_else(|| "null".to_owned());
    serde_json::from_str(&text).map_err(|e| {
        PeekerError::new(
            codes::INVALID_REQUEST,
            format!("value is not valid JSON data ({e})"),
        )
        .with_field(field)
    })
}

/// A Rust value as a plain JS object.
#[cfg(feature = "full")]
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value).map_err(|e| {
        js_error(
            ErrorKind::Peeker,
            &PeekerError::new(
                codes::INTERNAL_ERROR,
                format!("could not encode a result: {e}"),
            ),
        )
    })?;
    js_sys::JSON::parse(&text)
}
