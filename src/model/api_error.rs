//! The error envelope every 4xx/5xx carries (docs/contract.md#errors-and-statuses).

use super::common::Extra;
use crate::error::PeekerError;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `{"error": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ErrorEnvelope {
    pub error: ApiError,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The body of an API error. `code` is a plain string (see `crate::error::codes`)
/// because the server's catalogue is open-ended; branch on it, never on `message`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ApiError {
    #[schemars(with = "crate::error::ErrorCode")]
    pub code: String,
    pub message: String,
    /// The request field at fault, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Extra")]
    pub details: Option<Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl ApiError {
    /// `details.retry_after_seconds` of a `rate_limited` error, if sent as a
    /// non-negative integer.
    pub fn retry_after_seconds(&self) -> Option<u64> {
        self.details.as_ref()?.get("retry_after_seconds")?.as_u64()
    }
}

impl From<ApiError> for PeekerError {
    fn from(e: ApiError) -> Self {
        PeekerError {
            code: e.code,
            message: e.message,
            field: e.field,
            details: e.details,
            problems: Vec::new(),
        }
    }
}
