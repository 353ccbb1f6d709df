//! peeker-partner: the pure core of the Peeker Partner API SDK.
//!
//! Everything that can be decided without the network lives here as plain
//! functions with no I/O and no clock: the wire model, validation, the domain
//! split and plan, request building, retry decisions and webhook signatures.
//! `src/js` exposes it to JavaScript through wasm-bindgen; with the feature
//! `native`, [`client::PeekerClient`] is the same client for Rust (tokio,
//! reqwest with rustls).

// `Problem` and `PeekerError` are large (a `Value` of details, several
// strings) and built at most once per failed call: boxing them would cost
// every caller an allocation and gain nothing.
#![allow(clippy::result_large_err)]

#[cfg(all(target_arch = "wasm32", feature = "full"))]
mod client;
#[cfg(all(not(target_arch = "wasm32"), feature = "native"))]
pub mod client;
#[cfg(feature = "webhooks")]
pub mod diagnose;
pub mod error;
mod first_seen;
pub mod hmac;
#[cfg(target_arch = "wasm32")]
mod js;
#[doc(hidden)]
pub mod json;
pub mod model;
pub mod options;
pub mod ownership;
pub mod plan;
pub mod request;
pub mod retry;
pub mod route;
pub mod scrub;
pub mod sizing;
pub mod split;
pub mod token;
#[cfg(any(
    all(target_arch = "wasm32", feature = "full"),
    all(not(target_arch = "wasm32"), feature = "native")
))]
mod transport;
pub mod validate;
pub mod webhook;

pub use error::{PeekerError, Problem};
