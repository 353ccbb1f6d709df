//! The wire model: every request, response and event of the contract
//! (Part B §12, §13 with Part A's decisions). snake_case on the wire and in JS.
//!
//! Responses keep unknown fields (`extra`) and unknown enum values (`Other`),
//! so a newer API never breaks an older SDK. Requests are serialised from typed
//! structs in declaration order, which makes their bytes canonical (§A7).

#[macro_use]
mod open_enum;

pub mod availability;
pub mod common;
pub mod event;

pub use availability::*;
pub use common::*;
pub use event::*;
