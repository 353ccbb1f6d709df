//! One error type for the whole crate. Codes are the API's own where one exists
//! (docs/contract.md#errors-and-statuses), so a partner branches on the same strings client- and
//! server-side.

pub mod classes;
pub mod docs;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

/// One thing wrong with a request body, found before any request is made.
///
/// `field` is a path into the body as the caller wrote it: `domains[7]`,
/// `personas[3].profile_picture_url`, `sequencer.login_password`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Problem {
    /// `invalid_request`, `order_shape_conflict`, `domain_count_mismatch`, ...
    #[schemars(with = "ErrorCode")]
    pub code: String,
    /// Path of the offending field; empty only when the body itself is not an object.
    pub field: String,
    /// What is wrong and how to fix it. Never contains a secret.
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "serde_json::Map<String, Value>")]
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

/// Declares the wire error codes once: the open enum [`ErrorCode`] (its
/// schema feeds the generated TypeScript union and the OpenAPI enum) and the
/// `codes` constants the code matches on.
macro_rules! error_codes {
    ($(#[doc = $doc:literal] $variant:ident $name:ident = $wire:literal,)+) => {
        crate::open_enum! {
            /// Every code an error envelope may carry (the API's catalogue, plus
            /// the sandbox's and the Worker's own outside it). A code
            /// a newer API sends is kept as it came.
            pub enum ErrorCode { $(#[doc = $doc] $variant = $wire),+ }
        }

        /// The API's error codes (docs/contract.md#errors-and-statuses) plus the SDK's own.
        pub mod codes {
            $(#[doc = $doc] pub const $name: &str = $wire;)+
            /// Each code of [`ErrorCode`] with its doc line (`400: …`), for docs/errors.md.
            pub const DOCUMENTED: &[(&str, &str)] = &[$(($wire, $doc.trim_ascii_start()),)+];
            /// SDK only: a request was refused before sending because validation failed.
            pub const VALIDATION_FAILED: &str = "validation_failed";
        }
    };
}

error_codes! {
    /// 400: a field is missing, mistyped or invalid; `field` names it.
    InvalidRequest INVALID_REQUEST = "invalid_request",
    /// 400: `bundle_id` together with custom license fields.
    OrderShapeConflict ORDER_SHAPE_CONFLICT = "order_shape_conflict",
    /// 422: the picked domains do not fill the split.
    DomainCountMismatch DOMAIN_COUNT_MISMATCH = "domain_count_mismatch",
    /// 422: a domain cannot be registered; nothing was charged.
    DomainUnavailable DOMAIN_UNAVAILABLE = "domain_unavailable",
    /// 401: the key (or browser token) is missing, malformed or revoked.
    Unauthorized UNAUTHORIZED = "unauthorized",
    /// 403: the key's preset does not permit the call.
    Forbidden FORBIDDEN = "forbidden",
    /// 404: no such record in this account.
    NotFound NOT_FOUND = "not_found",
    /// 405: the path exists, the method does not (`details.allowed_methods`).
    MethodNotAllowed METHOD_NOT_ALLOWED = "method_not_allowed",
    /// 409: a conflict, such as a user email in use.
    Conflict CONFLICT = "conflict",
    /// 413: the body is over 1 MiB (`details.max_bytes`).
    PayloadTooLarge PAYLOAD_TOO_LARGE = "payload_too_large",
    /// 415: a write whose body is not JSON (the Worker's proxy).
    UnsupportedMediaType UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type",
    /// 429: wait `details.retry_after_seconds`.
    RateLimited RATE_LIMITED = "rate_limited",
    /// 500: the server failed; retry with backoff.
    InternalError INTERNAL_ERROR = "internal_error",
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

/// The message, its code and the link to the code's section of docs/errors.md.
impl fmt::Display for PeekerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}){}",
            self.message,
            self.code,
            docs::See(&self.code)
        )
    }
}

impl std::error::Error for PeekerError {}

pub type Result<T, E = PeekerError> = std::result::Result<T, E>;

/// The API's error envelope (docs/contract.md#errors-and-statuses) for `problems`, as the sandbox
/// and the Worker answer: the first problem is the error (its code, field and
/// details); when there are more, `details.problems` lists them all. An empty
/// field (the body itself) is left out.
pub fn envelope(problems: &[Problem]) -> Value {
    let Some(first) = problems.first() else {
        return crate::json::object(vec![(
            "error",
            crate::json::object(vec![
                ("code", codes::INVALID_REQUEST.into()),
                ("message", "the request is invalid".into()),
            ]),
        )]);
    };
    let mut error = serde_json::Map::new();
    error.insert("code".into(), first.code.clone().into());
    error.insert("message".into(), first.message.clone().into());
    if !first.field.is_empty() {
        error.insert("field".into(), first.field.clone().into());
    }
    let mut details = first.details.clone().unwrap_or(Value::Null);
    if problems.len() > 1 {
        let mut map = match details {
            Value::Object(map) => map,
            _ => serde_json::Map::new(),
        };
        map.insert(
            "problems".into(),
            Value::Array(
                problems
                    .iter()
                    .map(|p| {
                        let mut o = vec![
                            ("code", p.code.as_str().into()),
                            ("field", p.field.as_str().into()),
                            ("message", p.message.as_str().into()),
                        ];
                        if let Some(d) = &p.details {
                            o.push(("details", d.clone()));
                        }
                        crate::json::object(o)
                    })
                    .collect(),
            ),
        );
        details = Value::Object(map);
    }
    if !details.is_null() {
        error.insert("details".into(), details);
    }
    crate::json::object(vec![("error", Value::Object(error))])
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
