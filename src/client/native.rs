//! The native face of the client (feature `native`): [`PeekerClient`] on
//! reqwest and tokio, its futures `Send` (usable in axum handlers and
//! `tokio::spawn`). One typed method per endpoint of the endpoint table
//! ([`crate::request`]), generated from the table, grouped as the JS client
//! groups them: `client.orders().create(&body)`.
//!
//! This file: the client's construction and each call's settings. In
//! `native/`: `options.rs` the options; `error.rs` the error; `calls.rs`
//! running a call; `methods.rs` the typed methods (from the endpoint table);
//! `by_name.rs` the methods by name, with JSON; `pages.rs` list pages;
//! `convert.rs` arguments and answers.

use super::{
    check_base_url, check_key, check_token, in_range, CallSettings, Client, Config, Secrets,
};
use crate::error::PeekerError;
use crate::options::{Whole, MAX_RETRIES, RATE_LIMIT_PER_MINUTE, TIMEOUT_MS};
use crate::transport::Reqwest;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

mod by_name;
mod calls;
mod convert;
mod error;
mod methods;
mod options;
mod pages;

pub use crate::transport::{AbortController, AbortSignal};
pub use error::Error;
pub use methods::{Bundles, Domains, Forwarding, Imports, Orders, Swaps, Users};
pub use options::{CallOptions, ClientOptions, ProgressHook, RetryHook};
pub use pages::Pages;

/// The Peeker Partner API client: validation before sending, canonical
/// bodies, the rate limit, retries (only where a resend is safe), timeouts
/// and typed errors. Cheap to clone: clones share the connection pool and
/// the rate limit. Neither `Debug` nor `Display` shows the key.
#[derive(Clone)]
pub struct PeekerClient {
    inner: Arc<Client<Reqwest>>,
    call: CallOptions,
}

impl fmt::Debug for PeekerClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PeekerClient({})", self.inner.config.base_url)
    }
}

impl fmt::Display for PeekerClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// A whole-number option under its Rust name, in the options table's range.
fn whole(opt: &Whole, name: &'static str, n: u64) -> Result<u32, PeekerError> {
    in_range(&Whole { name, ..*opt }, n as f64)
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl PeekerClient {
    /// A client, after the same checks as `new PeekerClient(options)` in JS
    /// (a key or a proxy, a plain base URL, options in range).
    pub fn new(options: ClientOptions) -> Result<Self, Error> {
        Self::configure(options).map_err(Error::invalid_option)
    }

    fn configure(o: ClientOptions) -> Result<Self, PeekerError> {
        let base_given = o.base_url.is_some();
        let base_url = check_base_url(o.base_url.as_deref())?;
        let key = match (&o.token, &o.api_key) {
            (Some(t), key) => Some(check_token(Some(t), key.is_some(), base_given)?),
            // Through a proxy that adds the key (the Worker's), none is needed.
            (None, None) if base_given => None,
            (None, key) => Some(check_key(key.as_deref())?),
        };
        let config = Config {
            base_url,
            authorization: key.as_ref().map(|k| format!("Bearer {k}")),
            key,
            max_retries: whole(&MAX_RETRIES, "max_retries", u64::from(o.max_retries))?,
            timeout_ms: whole(&TIMEOUT_MS, "timeout", millis(o.timeout))?,
            on_retry: o.on_retry,
        };
        let per_minute = whole(
            &RATE_LIMIT_PER_MINUTE,
            "requests_per_minute",
            u64::from(o.requests_per_minute),
        )?;
        let transport = Reqwest::new().map_err(|why| {
            PeekerError::new(
                crate::error::codes::INTERNAL_ERROR,
                format!("could not start the HTTP client: {why}"),
            )
        })?;
        Ok(PeekerClient {
            inner: Arc::new(Client::new(config, per_minute, transport)),
            call: CallOptions::default(),
        })
    }

    /// The same client (same pool, same rate limit) with per-call options:
    /// `client.with(CallOptions { signal: Some(c.signal()), ..Default::default() }).me()`.
    pub fn with(&self, options: CallOptions) -> PeekerClient {
        PeekerClient {
            inner: self.inner.clone(),
            call: options,
        }
    }

    /// The base URL calls go to.
    pub fn base_url(&self) -> &str {
        &self.inner.config.base_url
    }

    /// The settings of one call, whose secrets are the key and `secrets`.
    fn settings(
        &self,
        mut secrets: Vec<String>,
    ) -> (Arc<Secrets>, Result<CallSettings<AbortSignal>, PeekerError>) {
        secrets.extend(self.inner.config.key.iter().cloned());
        let secrets = Arc::new(Secrets::known(secrets));
        let c = &self.call;
        let config = &self.inner.config;
        let settings = (|| {
            Ok(CallSettings {
                signal: c.signal.clone(),
                timeout_ms: match c.timeout {
                    Some(t) => whole(&TIMEOUT_MS, "timeout", millis(t))?,
                    None => config.timeout_ms,
                },
                max_retries: match c.max_retries {
                    Some(n) => whole(&MAX_RETRIES, "max_retries", u64::from(n))?,
                    None => config.max_retries,
                },
                secrets: secrets.clone(),
            })
        })();
        (secrets, settings)
    }
}
