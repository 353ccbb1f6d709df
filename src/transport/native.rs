//! The native transport: reqwest (rustls, webpki roots) on tokio, sleeping
//! with tokio's timer; aborts through [`AbortSignal`].

#![warn(missing_docs)]

use super::{Answer, NoAnswer, Transport, MAX_ANSWER_BYTES};
use crate::request::{HttpRequest, Method};
use std::future::Future;
use std::hash::{BuildHasher, RandomState};
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::Poll;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::Notify;

/// Aborts the calls given its [`AbortSignal`], as `AbortController` does in
/// JS: a call aborted while it waits or while its request is in flight
/// fails at once with an `AbortError`.
#[derive(Debug, Default)]
pub struct AbortController {
    signal: AbortSignal,
}

impl AbortController {
    /// A controller whose signal has not fired.
    pub fn new() -> Self {
        Self::default()
    }

    /// The signal to pass to calls (`CallOptions::signal`).
    pub fn signal(&self) -> AbortSignal {
        self.signal.clone()
    }

    /// Aborts every call holding the signal, now and later.
    pub fn abort(&self) {
        self.signal.inner.aborted.store(true, Ordering::SeqCst);
        self.signal.inner.notify.notify_waiters();
    }
}

/// The abort side of an [`AbortController`]; clones share it.
#[derive(Debug, Clone, Default)]
pub struct AbortSignal {
    inner: Arc<SignalInner>,
}

#[derive(Debug, Default)]
struct SignalInner {
    aborted: AtomicBool,
    notify: Notify,
}

impl AbortSignal {
    /// Whether its controller has aborted.
    pub fn aborted(&self) -> bool {
        self.inner.aborted.load(Ordering::SeqCst)
    }
}

/// `work`, unless `signal` aborts first (`None`).
async fn unless_aborted<F: Future>(work: F, signal: Option<&AbortSignal>) -> Option<F::Output> {
    let Some(signal) = signal else {
        return Some(work.await);
    };
    let mut notified = pin!(signal.inner.notify.notified());
    // Registered before the flag is read, so an abort in between still wakes it.
    notified.as_mut().enable();
    if signal.aborted() {
        return None;
    }
    let mut work = pin!(work);
    std::future::poll_fn(|cx| {
        if let Poll::Ready(out) = work.as_mut().poll(cx) {
            return Poll::Ready(Some(out));
        }
        match notified.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    })
    .await
}

/// reqwest's client (a connection pool): clones share it.
#[derive(Clone)]
pub(crate) struct Reqwest {
    http: reqwest::Client,
}

impl Reqwest {
    pub fn new() -> Result<Self, String> {
        reqwest::Client::builder()
            .user_agent(concat!("peeker-partner-rust/", env!("CARGO_PKG_VERSION")))
            .build()
            .map(|http| Reqwest { http })
            .map_err(|e| cause(&e))
    }
}

impl Transport for Reqwest {
    type Signal = AbortSignal;
    type Json = serde_json::Value;

    fn now_ms(&self) -> f64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    }

    fn random(&self) -> f64 {
        // A fresh SipHash key per call (std seeds them from the OS): enough
        // for jitter, without a random-number crate.
        let bits = RandomState::new().hash_one(0u8);
        (bits >> 11) as f64 / (1u64 << 53) as f64
    }

    async fn sleep(&self, ms: u64, signal: Option<&AbortSignal>) -> bool {
        if ms == 0 {
            return !signal.is_some_and(AbortSignal::aborted);
        }
        unless_aborted(tokio::time::sleep(Duration::from_millis(ms)), signal)
            .await
            .is_some()
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
        let limit = Duration::from_millis(u64::from(timeout_ms));
        let attempt = tokio::time::timeout(limit, self.exchange(base, authorization, request));
        match unless_aborted(attempt, signal).await {
            None => Err(NoAnswer::Aborted),
            Some(Err(_elapsed)) => Err(NoAnswer::TimedOut),
            Some(Ok(result)) => result,
        }
    }
}

impl Reqwest {
    async fn exchange(
        &self,
        base: &str,
        authorization: Option<&str>,
        request: &HttpRequest,
    ) -> Result<Answer, NoAnswer> {
        let method = match request.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
        };
        let mut builder = self
            .http
            .request(method, request.url(base))
            .header("Accept", "application/json");
        if let Some(auth) = authorization {
            builder = builder.header("Authorization", auth);
        }
        if let Some(bytes) = &request.body {
            builder = builder
                .header("Content-Type", "application/json")
                .body(bytes.clone());
        }
        let connection = |e: reqwest::Error| NoAnswer::Connection {
            before_send: e.is_connect(),
            message: cause(&e),
        };
        let mut response = builder.send().await.map_err(connection)?;
        let status = response.status().as_u16();
        let request_id = response
            .headers()
            .get("Peeker-Request-Id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let limit = MAX_ANSWER_BYTES as usize;
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Err(NoAnswer::TooLarge);
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(connection)? {
            if bytes.len() + chunk.len() > limit {
                return Err(NoAnswer::TooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Answer {
            status,
            request_id,
            // As `response.text()` in JS: malformed UTF-8 replaced.
            body: String::from_utf8_lossy(&bytes).into_owned(),
        })
    }
}

/// What went wrong and its causes (`could not connect: tcp connect error:
/// Connection refused`), without the URL reqwest's own text carries.
fn cause(e: &reqwest::Error) -> String {
    let what = if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "the answer could not be read"
    } else {
        "the request failed"
    };
    let mut parts = vec![what.to_owned()];
    let mut next = std::error::Error::source(e);
    while let Some(err) = next {
        let part = err.to_string();
        if !parts.contains(&part) {
            parts.push(part);
        }
        next = err.source();
    }
    parts.join(": ")
}
