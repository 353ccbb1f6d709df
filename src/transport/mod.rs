//! The client's I/O, behind one trait: send one attempt (with its timeout
//! and the caller's abort signal), sleep (abortable), the time and a random
//! number. It moves bytes and sleeps; whether to retry and how long to wait
//! is decided in [`crate::retry`], the loop is [`crate::client`]'s.
//!
//! Two implementations: the *global* `fetch` in wasm (`fetch.rs`: browsers,
//! Node ≥ 18, workerd) and reqwest natively (`native.rs`).

use crate::request::HttpRequest;
use std::future::Future;

#[cfg(target_arch = "wasm32")]
mod fetch;
#[cfg(target_arch = "wasm32")]
pub(crate) use fetch::Fetch;
#[cfg(not(target_arch = "wasm32"))]
mod native;
#[cfg(not(target_arch = "wasm32"))]
pub(crate) use native::Reqwest;
#[cfg(not(target_arch = "wasm32"))]
pub use native::{AbortController, AbortSignal};

/// Largest answer read (16 MiB): past it the call fails rather than
/// holding an arbitrarily large body in memory.
pub(crate) const MAX_ANSWER_BYTES: u32 = 16 * 1024 * 1024;

/// What came back: status, `Peeker-Request-Id` and the body text.
pub(crate) struct Answer {
    pub status: u16,
    pub request_id: Option<String>,
    pub body: String,
}

/// Why no answer came back.
pub(crate) enum NoAnswer {
    /// The caller's signal aborted the call.
    Aborted,
    /// The per-attempt timeout fired.
    TimedOut,
    /// The connection failed. `before_send`: known to have failed before
    /// any byte of the request left (fetch never says so).
    Connection { message: String, before_send: bool },
    /// The answer was over [`MAX_ANSWER_BYTES`]; it was not read further.
    TooLarge,
}

/// One platform's I/O.
pub(crate) trait Transport {
    /// What aborts a call (the caller's `AbortSignal`).
    type Signal;
    /// A parsed JSON answer, as the platform holds one.
    type Json: Json;

    /// Milliseconds since the epoch (the std clock panics in wasm32).
    fn now_ms(&self) -> f64;

    /// A number in `[0, 1)` for jitter.
    fn random(&self) -> f64;

    /// Sleeps `ms`; `false` when `signal` aborted the sleep.
    fn sleep(&self, ms: u64, signal: Option<&Self::Signal>) -> impl Future<Output = bool>;

    /// One attempt: `request` under `base`, with `authorization` as the
    /// header value (`Bearer …`), timed out after `timeout_ms`.
    fn send(
        &self,
        base: &str,
        authorization: Option<&str>,
        request: &HttpRequest,
        signal: Option<&Self::Signal>,
        timeout_ms: u32,
    ) -> impl Future<Output = Result<Answer, NoAnswer>>;
}

/// The little the client reads of a JSON answer (the availability rows, a
/// job's status), over the platform's own JSON value.
pub(crate) trait Json: Sized {
    /// The parsed body (`null` for an empty one); `None` if it is not JSON.
    fn parse(body: &str) -> Option<Self>;
    /// A member of an object.
    fn get(&self, key: &str) -> Option<Self>;
    /// A string's text.
    fn text(&self) -> Option<String>;
    /// An array's items (none for anything else).
    fn into_items(self) -> Vec<Self>;
    /// A row the server did not send.
    fn absent() -> Self;
    /// `{domain, available: false, reason: "invalid"}`.
    fn invalid_row(name: &str) -> Self;
    /// An array of `items`.
    fn array(items: Vec<Self>) -> Self;
}

#[cfg(not(target_arch = "wasm32"))]
impl Json for serde_json::Value {
    fn parse(body: &str) -> Option<Self> {
        if body.is_empty() {
            return Some(serde_json::Value::Null);
        }
        serde_json::from_str(body).ok()
    }
    fn get(&self, key: &str) -> Option<Self> {
        self.as_object().and_then(|o| o.get(key)).cloned()
    }
    fn text(&self) -> Option<String> {
        self.as_str().map(str::to_owned)
    }
    fn into_items(self) -> Vec<Self> {
        match self {
            serde_json::Value::Array(items) => items,
            _ => Vec::new(),
        }
    }
    fn absent() -> Self {
        serde_json::Value::Null
    }
    fn invalid_row(name: &str) -> Self {
        crate::json::object(vec![
            ("domain", name.into()),
            ("available", false.into()),
            ("reason", "invalid".into()),
        ])
    }
    fn array(items: Vec<Self>) -> Self {
        serde_json::Value::Array(items)
    }
}
