//! The options of [`PeekerClient::new`](super::PeekerClient::new) and of
//! one call ([`PeekerClient::with`](super::PeekerClient::with)), with their
//! hooks. `Debug` never shows the key or token.

use crate::client::RetryInfo;
use crate::options::{MAX_RETRIES, RATE_LIMIT_PER_MINUTE, TIMEOUT_MS};
use crate::transport::AbortSignal;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The retry hook of [`ClientOptions::on_retry`].
pub type RetryHook = Arc<dyn Fn(&RetryInfo) + Send + Sync>;
/// The progress hook of [`CallOptions::on_progress`]: `(done, total)`.
pub type ProgressHook = Arc<dyn Fn(usize, usize) + Send + Sync>;

/// The options of [`PeekerClient::new`](super::PeekerClient::new), with
/// the JS client's defaults and ranges (`src/options.rs`). `Debug` never
/// shows the key or token.
#[derive(Clone)]
pub struct ClientOptions {
    /// `pk_test_…` or `pk_live_…`. May be left out only with a `base_url`
    /// (a proxy that adds it).
    pub api_key: Option<String>,
    /// A browser token for the Worker's `/api` proxy, sent as
    /// `Authorization: Bearer …`; needs `base_url`, never with `api_key`.
    pub token: Option<String>,
    /// Default `https://api.peeker.ai/partner/v1`. No user or password;
    /// `https:` unless the host is loopback.
    pub base_url: Option<String>,
    /// Retries after the first attempt (default 2, at most 100).
    pub max_retries: u32,
    /// Per attempt (default 30 s).
    pub timeout: Duration,
    /// The client's token bucket, shared by every call and every clone
    /// (default 600; 0 = off).
    pub requests_per_minute: u32,
    /// Called before each retry's wait; shown nothing secret.
    pub on_retry: Option<RetryHook>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            api_key: None,
            token: None,
            base_url: None,
            max_retries: MAX_RETRIES.default,
            timeout: Duration::from_millis(u64::from(TIMEOUT_MS.default)),
            requests_per_minute: RATE_LIMIT_PER_MINUTE.default,
            on_retry: None,
        }
    }
}

impl ClientOptions {
    /// The defaults with `api_key`.
    pub fn new(api_key: impl Into<String>) -> Self {
        ClientOptions {
            api_key: Some(api_key.into()),
            ..Self::default()
        }
    }
}

impl fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientOptions")
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .field("base_url", &self.base_url.as_ref().map(|_| "[set]"))
            .field("max_retries", &self.max_retries)
            .field("timeout", &self.timeout)
            .field("requests_per_minute", &self.requests_per_minute)
            .field("on_retry", &self.on_retry.is_some())
            .finish()
    }
}

/// Per-call options ([`PeekerClient::with`](super::PeekerClient::with)):
/// each one left `None` is the client's (or the default).
#[derive(Clone, Default)]
pub struct CallOptions {
    /// Aborts the call ([`AbortController::signal`](super::AbortController::signal)).
    pub signal: Option<AbortSignal>,
    /// Per attempt.
    pub timeout: Option<Duration>,
    /// Retries after the first attempt.
    pub max_retries: Option<u32>,
    /// The waits: the first pause between polls (default 1 s; grows ×1.5 up
    /// to 60 s).
    pub poll_interval: Option<Duration>,
    /// The waits: give up (`TimeoutError`) after this long (default 10 min).
    pub max_wait: Option<Duration>,
    /// `domains().availability`: after each call of 50, the names done so
    /// far and all names.
    pub on_progress: Option<ProgressHook>,
}

impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallOptions")
            .field("signal", &self.signal.is_some())
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("poll_interval", &self.poll_interval)
            .field("max_wait", &self.max_wait)
            .field("on_progress", &self.on_progress.is_some())
            .finish()
    }
}
