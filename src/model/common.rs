//! Pieces every resource shares.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tsify::Tsify;

/// Fields a response carried that this SDK version does not model, kept as sent.
pub type Extra = Map<String, Value>;

open_enum! {
    /// A mail provider; also the values of `usable_for`.
    pub enum Provider { Google = "google", Microsoft = "microsoft" }
}

/// `{"data": ...}`: every success body wraps its resource (Part B §4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Tsify)]
pub struct DataEnvelope<T> {
    pub data: T,
}

/// How many domains of each provider an order on a bundle needs (Part A §A4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Tsify)]
pub struct RequiredDomains {
    pub google: u32,
    pub microsoft: u32,
    pub total: u32,
}
