//! The wasm transport: the *global* `fetch` bound directly, as gloo-net
//! binds it (browsers, Node ≥ 18, workerd) — gloo-net itself cost 2.2 KB
//! gzip more for the same call — sleeping through `setTimeout`, time from
//! `Date.now()` and jitter from `Math.random()`.

use super::{Answer, Json, NoAnswer, Transport, MAX_ANSWER_BYTES};
use crate::request::HttpRequest;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` (not `window.fetch`): browsers, Node ≥ 18, workerd.
    #[wasm_bindgen(js_name = fetch)]
    fn fetch(url: &str, init: &web_sys::RequestInit) -> js_sys::Promise;
}

#[wasm_bindgen(module = "/src/transport/io.js")]
extern "C" {
    #[wasm_bindgen(js_name = sleep)]
    fn sleep_js(ms: f64, signal: Option<&AbortSignal>) -> js_sys::Promise;

    type Attempt;
    #[wasm_bindgen(constructor)]
    fn new(signal: Option<&AbortSignal>, ms: f64) -> Attempt;
    #[wasm_bindgen(method, getter)]
    fn signal(this: &Attempt) -> AbortSignal;
    #[wasm_bindgen(method, js_name = timedOut)]
    fn timed_out(this: &Attempt) -> bool;
    #[wasm_bindgen(method)]
    fn done(this: &Attempt);

    /// The body as text, or null past `limit` bytes.
    #[wasm_bindgen(js_name = readText)]
    fn read_text(response: &web_sys::Response, limit: f64) -> js_sys::Promise;
}

/// The global `fetch` and timers.
pub(crate) struct Fetch;

impl Transport for Fetch {
    type Signal = AbortSignal;
    type Json = JsValue;

    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }

    fn random(&self) -> f64 {
        js_sys::Math::random()
    }

    async fn sleep(&self, ms: u64, signal: Option<&AbortSignal>) -> bool {
        if ms == 0 {
            return !signal.is_some_and(AbortSignal::aborted);
        }
        JsFuture::from(sleep_js(ms as f64, signal))
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false)
    }

    async fn send(
        &self,
        base: &str,
        authorization: Option<&str>,
        request: &HttpRequest,
        signal: Option<&AbortSignal>,
        timeout_ms: u32,
    ) -> Result<Answer, NoAnswer> {
        if signal.is_some_and(AbortSignal::aborted) {
            return Err(NoAnswer::Aborted);
        }
        let attempt = Attempt::new(signal, f64::from(timeout_ms));
        let result = exchange(base, authorization, request, &attempt.signal()).await;
        let timed_out = attempt.timed_out();
        attempt.done();
        result.map_err(|message| {
            if message.is_none() {
                NoAnswer::TooLarge
            } else if signal.is_some_and(AbortSignal::aborted) {
                NoAnswer::Aborted
            } else if timed_out {
                NoAnswer::TimedOut
            } else {
                NoAnswer::Connection {
                    message: message.unwrap_or_default(),
                    // fetch does not say whether bytes left: assume they may have.
                    before_send: false,
                }
            }
        })
    }
}

async fn exchange(
    base: &str,
    authorization: Option<&str>,
    request: &HttpRequest,
    signal: &AbortSignal,
) -> Result<Answer, Option<String>> {
    // None: the answer was too large.
    let js_err = |e: JsValue| {
        Some(
            js_sys::Reflect::get(&e, &JsValue::from_str("message"))
                .ok()
                .and_then(|m| m.as_string())
                .unwrap_or_else(|| "fetch failed".to_owned()),
        )
    };
    let headers = web_sys::Headers::new().map_err(js_err)?;
    headers.set("Accept", "application/json").map_err(js_err)?;
    if let Some(auth) = authorization {
        headers.set("Authorization", auth).map_err(js_err)?;
    }
    let init = web_sys::RequestInit::new();
    init.set_method(request.method.as_str());
    init.set_signal(Some(signal));
    if let Some(bytes) = &request.body {
        headers
            .set("Content-Type", "application/json")
            .map_err(js_err)?;
        init.set_body(&js_sys::Uint8Array::from(bytes.as_slice()));
    }
    init.set_headers(&headers);
    let response: web_sys::Response = JsFuture::from(fetch(&request.url(base), &init))
        .await
        .map_err(js_err)?
        .unchecked_into();
    let status = response.status();
    let request_id = response.headers().get("Peeker-Request-Id").ok().flatten();
    let text = JsFuture::from(read_text(&response, f64::from(MAX_ANSWER_BYTES)))
        .await
        .map_err(js_err)?;
    if text.is_null() {
        return Err(None);
    }
    let body = text.as_string().unwrap_or_default();
    Ok(Answer {
        status,
        request_id,
        body,
    })
}

/// Answers stay JS values (parsed by `JSON.parse`): they go back to JS as
/// they are.
impl Json for JsValue {
    fn parse(body: &str) -> Option<Self> {
        if body.is_empty() {
            return Some(JsValue::NULL);
        }
        js_sys::JSON::parse(body).ok()
    }
    fn get(&self, key: &str) -> Option<Self> {
        js_sys::Reflect::get(self, &JsValue::from_str(key)).ok()
    }
    fn text(&self) -> Option<String> {
        self.as_string()
    }
    fn into_items(self) -> Vec<Self> {
        if js_sys::Array::is_array(&self) {
            js_sys::Array::from(&self).to_vec()
        } else {
            Vec::new()
        }
    }
    fn absent() -> Self {
        JsValue::UNDEFINED
    }
    fn invalid_row(name: &str) -> Self {
        let obj = js_sys::Object::new();
        for (key, value) in [
            ("domain", JsValue::from_str(name)),
            ("available", false.into()),
            ("reason", "invalid".into()),
        ] {
            let _ = js_sys::Reflect::set(&obj, &JsValue::from_str(key), &value);
        }
        obj.into()
    }
    fn array(items: Vec<Self>) -> Self {
        items.into_iter().collect::<js_sys::Array>().into()
    }
}
