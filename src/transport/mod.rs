//! The client's I/O (wasm32 only): the *global* `fetch` bound directly, as
//! gloo-net binds it (browsers, Node ≥ 18, workerd) — gloo-net itself is
//! larger for the same call — sleeping through `setTimeout`, time
//! from `Date.now()` and jitter from `Math.random()`. It moves bytes and
//! sleeps; whether to retry and how long to wait is decided in
//! [`crate::retry`].

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

/// Largest answer read (16 MiB): past it the call fails rather than
/// holding an arbitrarily large body in memory.
pub const MAX_ANSWER_BYTES: u32 = 16 * 1024 * 1024;

/// Milliseconds since the epoch (the std clock panics in wasm32).
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// A number in `[0, 1)` for jitter.
pub fn random() -> f64 {
    js_sys::Math::random()
}

/// Sleeps `ms`; `false` when `signal` aborted the sleep.
pub async fn sleep(ms: u64, signal: Option<&AbortSignal>) -> bool {
    if ms == 0 {
        return !signal.is_some_and(AbortSignal::aborted);
    }
    JsFuture::from(sleep_js(ms as f64, signal))
        .await
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// What came back: status, `Peeker-Request-Id` and the body text.
pub struct Answer {
    pub status: u16,
    pub request_id: Option<String>,
    pub body: String,
}

/// Why no answer came back.
pub enum NoAnswer {
    /// The caller's signal aborted the call.
    Aborted,
    /// The per-attempt timeout fired.
    TimedOut,
    /// The connection failed (fetch rejected, or the body could not be read).
    Connection(String),
    /// The answer was over [`MAX_ANSWER_BYTES`]; it was not read further.
    TooLarge,
}

/// One attempt: `request` under `base`, with `authorization` as the header
/// value (`Bearer …`), timed out after `timeout_ms`.
pub async fn send(
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
            NoAnswer::Connection(message.unwrap_or_default())
        }
    })
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
