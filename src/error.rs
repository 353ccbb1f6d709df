//! One error type for the whole crate. Codes are the API's own where one exists
//! (Part A §A2), so a partner branches on the same strings client- and server-side.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;
use tsify::Tsify;

/// One thing wrong with a request body, found before any request is made.
///
/// `field` is a path into the body as the caller wrote it: `domains[7]`,
/// `personas[3].profile_picture_url`, `sequencer.login_password`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Tsify)]
pub struct Problem {
    /// `invalid_request`, `order_shape_conflict`, `domain_count_mismatch`, ...
    pub code: String,
    /// Path of the offending field; empty only when the body itself is not an object.
    pub field: String,
    /// What is wrong and how to fix it. Never contains a secret.
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "Record<string, unknown>")]
    pub details: Option<Value>,
}

impl Problem {
    pub fn new(code: &str, field: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            code: code.to_owned(),
            field: field.into(),
            message: message.into(),
            details: None,
        }
    }

    /// `invalid_request`, the API's code for a missing, mistyped or invalid field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(codes::INVALID_REQUEST, field, message)
    }

    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }
}

/// The API's error codes (Part A §A2) plus the SDK's own.
pub mod codes {
    pub const INVALID_REQUEST: &str = "invalid_request";
    pub const ORDER_SHAPE_CONFLICT: &str = "order_shape_conflict";
    pub const DOMAIN_COUNT_MISMATCH: &str = "domain_count_mismatch";
    pub const DOMAIN_UNAVAILABLE: &str = "domain_unavailable";
    pub const UNAUTHORIZED: &str = "unauthorized";
    pub const FORBIDDEN: &str = "forbidden";
    pub const NOT_FOUND: &str = "not_found";
    pub const CONFLICT: &str = "conflict";
    pub const RATE_LIMITED: &str = "rate_limited";
    pub const INTERNAL_ERROR: &str = "internal_error";
    /// SDK only: a request was refused before sending because validation failed.
    pub const VALIDATION_FAILED: &str = "validation_failed";
}

/// The crate's error: a code, a message a person can act on, the field at fault
/// and, for validation, every problem found.
#[derive(Clone, PartialEq)]
pub struct PeekerError {
    pub code: String,
    pub message: String,
    pub field: Option<String>,
    pub details: Option<Value>,
    /// Every problem, when the error comes from validation; empty otherwise.
    pub problems: Vec<Problem>,
}

impl PeekerError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        PeekerError {
            code: code.to_owned(),
            message: message.into(),
            field: None,
            details: None,
            problems: Vec::new(),
        }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// A validation failure carrying all `problems`; the first one names the field.
    pub fn validation(problems: Vec<Problem>) -> Self {
        let message = match problems.as_slice() {
            [] => "request is invalid".to_owned(),
            [one] => format!("{}: {}", one.field, one.message),
            [first, rest @ ..] => format!(
                "{}: {} (and {} more problem{})",
                first.field,
                first.message,
                rest.len(),
                if rest.len() == 1 { "" } else { "s" }
            ),
        };
        PeekerError {
            code: codes::VALIDATION_FAILED.to_owned(),
            field: problems.first().map(|p| p.field.clone()),
            message,
            details: None,
            problems,
        }
    }
}

impl From<Problem> for PeekerError {
    fn from(p: Problem) -> Self {
        PeekerError {
            code: p.code,
            message: p.message,
            field: Some(p.field),
            details: p.details,
            problems: Vec::new(),
        }
    }
}

// Debug is written by hand so that nothing but these fields can ever be printed.
impl fmt::Debug for PeekerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PeekerError")
            .field("code", &self.code)
            .field("field", &self.field)
            .field("message", &self.message)
            .field("problems", &self.problems.len())
            .finish()
    }
}

impl fmt::Display for PeekerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for PeekerError {}

pub type Result<T, E = PeekerError> = std::result::Result<T, E>;

/// The API's error envelope (Part A §A2) for `problems`, as the sandbox and
/// the Worker answer: the first problem is the error (its code, field and
/// details); when there are more, `details.problems` lists them all. An empty
/// field (the body itself) is left out.
pub fn envelope(problems: &[Problem]) -> Value {
    let Some(first) = problems.first() else {
        return serde_json::json!({"error": {"code": codes::INVALID_REQUEST, "message": "the request is invalid"}});
    };
    let mut error = serde_json::Map::new();
    error.insert("code".into(), first.code.clone().into());
    error.insert("message".into(), first.message.clone().into());
    if !first.field.is_empty() {
        error.insert("field".into(), first.field.clone().into());
    }
    let mut details = first.details.clone().unwrap_or(Value::Null);
    if problems.len() > 1 {
        if !details.is_object() {
            details = serde_json::json!({});
        }
        details["problems"] = serde_json::to_value(problems).unwrap_or(Value::Null);
    }
    if !details.is_null() {
        error.insert("details".into(), details);
    }
    serde_json::json!({ "error": error })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn envelope_is_the_first_problem_with_all_of_them_in_details() {
        let one = Problem::invalid("domains[2]", "bad").with_details(json!({"reason": "x"}));
        assert_eq!(
            envelope(std::slice::from_ref(&one)),
            json!({"error": {"code": "invalid_request", "message": "bad", "field": "domains[2]", "details": {"reason": "x"}}})
        );
        let two = Problem::new(codes::DOMAIN_COUNT_MISMATCH, "", "short");
        let both = envelope(&[two.clone(), one.clone()]);
        assert_eq!(both["error"]["code"], "domain_count_mismatch");
        assert_eq!(both["error"].get("field"), None);
        assert_eq!(
            both["error"]["details"]["problems"][1]["field"],
            "domains[2]"
        );
        assert_eq!(envelope(&[])["error"]["code"], "invalid_request");
    }
}
