//! Typed arguments to the JSON the endpoint table's builders read, and
//! answers to the model's types (a body that is not JSON told apart from
//! one of another shape).

use crate::client::failure::{not_json, Failure};
use crate::error::PeekerError;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

pub(super) fn decode<R: DeserializeOwned>(body: &str) -> Result<R, Failure> {
    serde_json::from_str(body).map_err(|e| {
        if serde_json::from_str::<serde::de::IgnoredAny>(body).is_err() {
            not_json(body)
        } else {
            mismatch(&e)
        }
    })
}

pub(super) fn to_model_json<T: Serialize>(value: T) -> Result<Value, Failure> {
    serde_json::to_value(value).map_err(|e| mismatch(&e))
}

pub(super) fn mismatch(e: &serde_json::Error) -> Failure {
    Failure::Decode(format!(
        "the API answered success with a body this SDK does not read ({e})"
    ))
}

/// A typed argument as the JSON the endpoint table's builders read.
pub(super) fn arg<T: Serialize>(value: &T) -> Result<Value, PeekerError> {
    serde_json::to_value(value).map_err(|_| {
        PeekerError::new(
            crate::error::codes::INTERNAL_ERROR,
            "could not encode the argument",
        )
    })
}
