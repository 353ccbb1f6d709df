//! The wire model: every request, response and event of the contract
//! (docs/contract.md). snake_case on the wire and in JS.
//!
//! Responses keep unknown fields (`extra`) and unknown enum values (`Other`),
//! so a newer API never breaks an older SDK. Requests are serialised from typed
//! structs in declaration order, which makes their bytes canonical
//! (docs/contract.md#idempotency-and-retries).

#[macro_use]
mod open_enum;

pub mod api_error;
pub mod availability;
pub mod bundle;
pub mod common;
pub mod domain;
pub mod event;
pub mod import;
pub mod literal;
pub mod order;
pub mod requests;
pub mod swap;
pub mod user;

pub use api_error::*;
pub use availability::*;
pub use bundle::*;
pub use common::*;
pub use domain::*;
pub use event::*;
pub use import::*;
pub use order::*;
pub use requests::*;
pub use swap::*;
pub use user::*;
