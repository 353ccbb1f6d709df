//! The client: one call = build (pure core) → rate limit → attempts through
//! the transport → retry decisions ([`crate::retry`]). Also the two
//! multi-request helpers: chunked availability and the waits. One
//! implementation, generic over the transport (`src/transport`): the global
//! `fetch` in wasm (`src/js/client.rs` is its JS face) and reqwest natively
//! (`PeekerClient`, `src/client/native.rs`).
//!
//! `settings.rs`: what a client and a call are set up with, checked;
//! `attempts.rs`: the loop of one call; `failure.rs`: why a call failed and
//! what the caller is shown; `availability.rs` and `wait.rs`: the helpers.

#![warn(missing_docs)]

use crate::retry::TokenBucket;
use crate::transport::Transport;
use std::sync::{Mutex, MutexGuard, PoisonError};

mod attempts;
mod availability;
mod failure;
mod settings;
mod wait;

pub(crate) use failure::Failure;
pub use settings::RetryInfo;
pub(crate) use settings::{
    bad_option, check_base_url, check_key, check_token, in_range, CallSettings, Config, Secrets,
};
#[cfg(target_arch = "wasm32")]
pub(crate) use settings::{OnRetry, Shared};

#[cfg(all(not(target_arch = "wasm32"), feature = "native"))]
mod native;
#[cfg(all(not(target_arch = "wasm32"), feature = "native"))]
pub use native::*;

/// One client: its settings, the token bucket every call shares, and the
/// transport its attempts go through.
pub(crate) struct Client<T: Transport> {
    pub config: Config,
    bucket: Mutex<TokenBucket>,
    transport: T,
}

fn lock<X>(m: &Mutex<X>) -> MutexGuard<'_, X> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
