//! What a client and a call are set up with: the client's options, checked
//! (never echoing a secret), the per-call settings, the retry hook and what
//! it is shown, and the call's secrets, gathered when first needed.

use crate::error::PeekerError;
use crate::scrub::Scrubber;
use std::sync::OnceLock;

/// What a retry hook is shown before each retry's wait: nothing secret (no
/// key, no body; the server's code and request id scrubbed of the call's
/// secrets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryInfo {
    /// The retry about to be made: 1 for the first.
    pub attempt: u32,
    /// How long the client waits before it, in milliseconds.
    pub delay_ms: u64,
    /// `rate_limited`, `server_error`, `connection_error` or `timeout`.
    pub reason: &'static str,
    /// The request's method (`POST`).
    pub method: &'static str,
    /// The request's path under the base URL (`/orders`).
    pub path: String,
    /// The status of the answer retried, when there was one.
    pub status: Option<u16>,
    /// The answer's error code, when there was one.
    pub code: Option<String>,
    /// The answer's `Peeker-Request-Id`, when there was one.
    pub request_id: Option<String>,
}

/// The retry hook (`onRetry`): JS functions are not `Send`, native hooks are.
#[cfg(target_arch = "wasm32")]
pub(crate) type OnRetry = Box<dyn Fn(&RetryInfo)>;
#[cfg(not(target_arch = "wasm32"))]
pub(crate) type OnRetry = std::sync::Arc<dyn Fn(&RetryInfo) + Send + Sync>;

/// Gathers a call's secrets when first needed.
#[cfg(target_arch = "wasm32")]
pub(crate) type Gather = Box<dyn Fn() -> Vec<String>>;
#[cfg(not(target_arch = "wasm32"))]
pub(crate) type Gather = Box<dyn Fn() -> Vec<String> + Send + Sync>;

/// A call's shared secrets: JS values are not `Send`, native futures are.
#[cfg(target_arch = "wasm32")]
pub(crate) type Shared<T> = std::rc::Rc<T>;
#[cfg(not(target_arch = "wasm32"))]
pub(crate) type Shared<T> = std::sync::Arc<T>;

/// Settings fixed at construction. Not `Debug`: it holds the key.
pub(crate) struct Config {
    pub base_url: String,
    /// `Bearer <key>`, or none when a proxy adds it.
    pub authorization: Option<String>,
    /// The key, scrubbed from anything shown to the caller.
    pub key: Option<String>,
    pub max_retries: u32,
    pub timeout_ms: u32,
    pub on_retry: Option<OnRetry>,
}

/// Per-call settings (the client's unless the call overrides them).
pub(crate) struct CallSettings<S> {
    pub signal: Option<S>,
    pub timeout_ms: u32,
    pub max_retries: u32,
    /// Scrubbed from what the retry hook and errors show.
    pub secrets: Shared<Secrets>,
}

/// A call's secrets (the key, the Smartlead credentials its arguments
/// carry), gathered when first needed: a retry shown to the hook, or a
/// failure. Not `Debug`: it holds them.
pub(crate) struct Secrets {
    gather: Gather,
    scrubber: OnceLock<Scrubber>,
}

impl Secrets {
    pub fn new(gather: Gather) -> Self {
        Secrets {
            gather,
            scrubber: OnceLock::new(),
        }
    }

    /// Secrets known up front (the native client's arguments are Rust values).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn known(secrets: Vec<String>) -> Self {
        Self::new(Box::new(move || secrets.clone()))
    }

    pub fn scrubber(&self) -> &Scrubber {
        self.scrubber
            .get_or_init(|| Scrubber::new(&(self.gather)()))
    }
}

/// The key as the client checks it: printable ASCII, no spaces or line
/// breaks. The message never echoes the value.
pub(crate) fn check_key(key: Option<&str>) -> Result<String, PeekerError> {
    match key {
        Some(k) if !k.is_empty() && k.bytes().all(|b| b.is_ascii_graphic()) => Ok(k.to_owned()),
        _ => Err(bad_option(
            "apiKey",
            "apiKey must be your API key, a string like pk_test_… or pk_live_… (no spaces or line breaks); create one in the Partner portal under Settings → API",
        )),
    }
}

/// A browser token (mintBrowserToken) for the Worker's proxy: never with a
/// key, and only with a base URL.
pub(crate) fn check_token(
    token: Option<&str>,
    key_given: bool,
    base_given: bool,
) -> Result<String, PeekerError> {
    match token {
        Some(t)
            if !t.is_empty()
                && t.len() <= 8192
                && t.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
                && !key_given
                && base_given =>
        {
            Ok(t.to_owned())
        }
        _ => Err(bad_option(
            "token",
            "token must be a browser token from your backend (mintBrowserToken), used with baseUrl = the Worker's /api proxy and without apiKey",
        )),
    }
}

/// The base URL, checked (never echoed: it may carry a password).
pub(crate) fn check_base_url(base: Option<&str>) -> Result<String, PeekerError> {
    use crate::options::DEFAULT_BASE_URL;
    match base.map(crate::validate::names::check_base_url) {
        None => Ok(DEFAULT_BASE_URL.to_owned()),
        Some(Ok(url)) => Ok(url),
        Some(Err(why)) => Err(bad_option("baseUrl", &format!("baseUrl {why}"))),
    }
}

pub(crate) fn bad_option(field: &str, message: &str) -> PeekerError {
    PeekerError::new(crate::error::codes::INVALID_REQUEST, message).with_field(field)
}

/// `n` if it is in the option's range.
pub(crate) fn in_range(opt: &crate::options::Whole, n: f64) -> Result<u32, PeekerError> {
    let crate::options::Whole { name, min, max, .. } = *opt;
    if n.fract() == 0.0 && n >= f64::from(min) && n <= f64::from(max) {
        Ok(n as u32)
    } else {
        Err(bad_option(
            name,
            &format!("{name} must be a whole number from {min} to {max}"),
        ))
    }
}
