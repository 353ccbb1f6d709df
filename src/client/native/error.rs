//! [`Error`]: a failed call as the Rust caller is shown it.

use crate::client::{Failure, Secrets};
use crate::error::classes::{self, ErrorClass};
use crate::error::{PeekerError, Problem};
use serde_json::Value;
use std::fmt;

/// A failed call, as the JS client's errors: its class from the error table
/// ([`classes`]: `ConflictError`, `TimeoutError`, …), the API's code, the
/// field at fault, the status and request id of an API answer, and every
/// problem of a validation failure. Every string is scrubbed of the key,
/// the token and the call's Smartlead credentials.
#[derive(Clone)]
pub struct Error {
    /// Its class (`classes::CONFLICT`); [`Error::is`] tests a class and its
    /// parents as `instanceof` does.
    pub class: &'static ErrorClass,
    /// The API's code (`conflict`), or the SDK's (`validation_failed`,
    /// `connection_error`, `timeout`, `aborted`, …).
    pub code: String,
    /// What happened and what to do.
    pub message: String,
    /// The field at fault, when one is.
    pub field: Option<String>,
    /// The error's `details`, when it has some.
    pub details: Option<Value>,
    /// Every problem found, for a validation failure.
    pub problems: Vec<Problem>,
    /// The status of an API error answer.
    pub status: Option<u16>,
    /// The answer's `Peeker-Request-Id`: quote it to Peeker's support.
    pub request_id: Option<String>,
}

impl Error {
    /// Whether the error is of `class` or of a class extending it
    /// (`e.is(&classes::CONNECTION)` holds for a `TimeoutError`).
    pub fn is(&self, class: &ErrorClass) -> bool {
        let mut at = Some(self.class);
        while let Some(c) = at {
            if c.name == class.name {
                return true;
            }
            at = classes::CLASSES.iter().find(|p| p.name == c.parent);
        }
        false
    }

    /// The class's name (`ConflictError`).
    pub fn class_name(&self) -> &'static str {
        self.class.name
    }

    pub(super) fn from_failure(name: &str, failure: Failure, secrets: &Secrets) -> Self {
        let shown = failure.shown(name, secrets.scrubber());
        Error {
            class: classes::CLASSES
                .iter()
                .find(|c| c.name == shown.class)
                .unwrap_or(&classes::PEEKER),
            code: shown.code,
            message: shown.message,
            field: shown.field,
            details: shown.details,
            problems: shown.problems,
            status: (shown.status != 0).then_some(shown.status),
            request_id: shown.request_id,
        }
    }

    pub(super) fn invalid_option(e: PeekerError) -> Self {
        Error::from_failure(
            "PeekerClient",
            Failure::Invalid(e),
            &Secrets::known(Vec::new()),
        )
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("class", &self.class.name)
            .field("code", &self.code)
            .field("message", &self.message)
            .field("field", &self.field)
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .field("problems", &self.problems)
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.class.name, self.message)
    }
}
impl std::error::Error for Error {}
