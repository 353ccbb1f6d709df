//! The wasm-bindgen surface. This layer only converts values and errors at the
//! boundary; every decision is made by the pure core.
//!
//! Values cross as JSON: `JSON.stringify` on the way in (so cyclic objects,
//! BigInts and absurd nesting become typed errors, never a wasm trap) and
//! `JSON.parse` on the way out (plain objects, never `Map`s).

// One module per package entry's job; the entry's cargo features pick them
// (see ENTRIES in xtask/src/build/entries.rs).
#[cfg(feature = "full")]
mod client;
#[cfg(feature = "full")]
mod diagnose;
#[cfg(feature = "full")]
mod proxy;
#[cfg(feature = "validate")]
mod request;
#[cfg(feature = "full")]
mod token;
#[cfg(feature = "validate")]
mod validate;
#[cfg(feature = "webhooks")]
mod webhook;

#[cfg(feature = "validate")]
use crate::error::{codes, PeekerError};
#[cfg(feature = "validate")]
use serde::Serialize;
#[cfg(feature = "validate")]
use serde_json::Value;
use wasm_bindgen::prelude::*;

// Every request, response, event and code type, generated from the endpoint
// table and the model by `cargo xtask codegen`.
#[wasm_bindgen(typescript_custom_section)]
const API_TS: &str = include_str!("api.gen.d.ts");

#[wasm_bindgen(module = "/src/js/errors.js")]
extern "C" {
    /// `class`: the JS class to throw (a name of the error table).
    #[cfg(feature = "validate")]
    #[wasm_bindgen(js_name = makeError)]
    fn make_error(
        class: &str,
        message: &str,
        code: &str,
        field: Option<&str>,
        details: JsValue,
        problems: JsValue,
    ) -> JsValue;
}

#[cfg(feature = "validate")]
#[wasm_bindgen(module = "/src/js/json.js")]
extern "C" {
    /// `JSON.stringify(value, keys)`, or undefined when it throws (a cycle,
    /// a BigInt). Not a `catch` import: a JS exception caught by wasm-bindgen
    /// leaks a reference-table slot, so 100,000 bad calls would grow memory.
    #[wasm_bindgen(js_name = jsonText)]
    pub(crate) fn json_text_of(value: &JsValue, keys: &JsValue) -> Option<String>;
}

/// Which JS class an error becomes. (The webhook verifier builds its
/// `WebhookVerificationError`s itself: no `PeekerError` on that path.)
#[cfg(feature = "validate")]
#[derive(Clone, Copy)]
pub(crate) enum ErrorKind {
    Peeker,
    Validation,
}

#[cfg(feature = "validate")]
pub(crate) fn js_error(kind: ErrorKind, e: &PeekerError) -> JsValue {
    let class = match kind {
        ErrorKind::Peeker => "PeekerError",
        ErrorKind::Validation => "ValidationError",
    };
    let (details, problems) = extras(e);
    make_error(
        class,
        &e.message,
        &e.code,
        e.field.as_deref(),
        details,
        problems,
    )
}

/// `details` and `problems` as JS values.
#[cfg(feature = "validate")]
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

/// A JS value as JSON. `undefined` becomes `null`.
#[cfg(feature = "validate")]
pub(crate) fn from_js(value: &JsValue, field: &str) -> Result<Value, PeekerError> {
    let text = json_text(value, field)?;
    crate::json::parse(&text).ok_or_else(|| match crate::validate::depth_problem(&text) {
        // Too deep is a problem with the body (naming its field), not a failure.
        Some(mut problem) => {
            if !field.is_empty() {
                problem.field = crate::validate::read::join(field, &problem.field);
            }
            PeekerError::validation(vec![problem])
        }
        None => not_json(field),
    })
}

/// The JSON text of a JS value (`JSON.stringify`).
#[cfg(feature = "validate")]
fn json_text(value: &JsValue, field: &str) -> Result<String, PeekerError> {
    if value.is_undefined() {
        return Ok("null".to_owned());
    }
    json_text_of(value, &JsValue::UNDEFINED).ok_or_else(|| not_data(field))
}

#[cfg(feature = "validate")]
pub(crate) fn not_data(field: &str) -> PeekerError {
    PeekerError::new(
        codes::INVALID_REQUEST,
        "value cannot be converted to JSON (a cycle, a BigInt or a getter that throws); pass plain objects, arrays, strings, numbers and booleans",
    )
    .with_field(field)
}

#[cfg(feature = "validate")]
pub(crate) fn not_json(field: &str) -> PeekerError {
    // (serde_json's error text is left out: its Display pulls std::io's
    // error strings into the wasm, and JSON.stringify's output only fails
    // to parse when it is too deep, which is reported on its own.)
    PeekerError::new(codes::INVALID_REQUEST, "value is not valid JSON data").with_field(field)
}

/// A Rust value as a plain JS object.
#[cfg(feature = "validate")]
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value).map_err(|_| {
        js_error(
            ErrorKind::Peeker,
            &PeekerError::new(codes::INTERNAL_ERROR, "could not encode a result"),
        )
    })?;
    js_sys::JSON::parse(&text)
}

// Allocators, per entry. The verifier-only entry (few, short-lived
// allocations) uses lol_alloc, smaller than std's dlmalloc. The validate and
// full entries keep dlmalloc: with the wasm inlined in hex, bytes no longer
// decide start-up, and talc (3 KB gzip smaller) made the first validateOrder
// no faster in `node bench/startup.mjs`. (lol_alloc's free list is too slow
// for either: availability checks over many names and validateOrder slow
// down on it well past dlmalloc.)

#[cfg(not(feature = "validate"))]
#[global_allocator]
// SAFETY: wasm32-unknown-unknown without atomics: one thread.
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
