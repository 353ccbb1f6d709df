//! The error answer: a status and the error envelope (docs/contract.md#errors-and-statuses).

use peeker_partner::error::{self, codes, Problem};
use peeker_partner::model::ApiError;
use serde_json::{json, Value};

/// An error answer: a status and the error envelope's body.
#[derive(Debug, Clone)]
pub struct Fail {
    pub status: u16,
    /// Boxed: a `Result<_, Fail>` stays small on the happy path.
    pub error: Box<ApiError>,
}

/// The status each code is answered with (docs/contract.md#errors-and-statuses).
pub fn status_for(code: &str) -> u16 {
    match code {
        codes::UNAUTHORIZED => 401,
        codes::FORBIDDEN => 403,
        codes::NOT_FOUND => 404,
        codes::CONFLICT => 409,
        codes::DOMAIN_COUNT_MISMATCH | codes::DOMAIN_UNAVAILABLE => 422,
        codes::RATE_LIMITED => 429,
        codes::INTERNAL_ERROR => 500,
        _ => 400,
    }
}

impl Fail {
    pub fn new(code: &str, message: impl Into<String>) -> Fail {
        Fail {
            status: status_for(code),
            error: Box::new(ApiError {
                code: code.to_owned(),
                message: message.into(),
                field: None,
                details: None,
                extra: Default::default(),
            }),
        }
    }
    pub fn field(mut self, field: impl Into<String>) -> Fail {
        let f = field.into();
        self.error.field = (!f.is_empty()).then_some(f);
        self
    }
    pub fn details(mut self, details: Value) -> Fail {
        self.error.details = Some(details);
        self
    }
    pub fn with_status(mut self, status: u16) -> Fail {
        self.status = status;
        self
    }
    pub fn internal(message: impl Into<String>) -> Fail {
        Fail::new(codes::INTERNAL_ERROR, message)
    }
    pub fn invalid(field: &str, message: impl Into<String>) -> Fail {
        Fail::new(codes::INVALID_REQUEST, message).field(field)
    }
    pub fn not_found(field: Option<&str>, what: &str, id: &str) -> Fail {
        let f = Fail::new(
            codes::NOT_FOUND,
            format!("no {what} {} in this account", shorten(id)),
        );
        match field {
            Some(field) => f.field(field),
            None => f,
        }
    }

    /// The first problem is the answer (its code, field and details); when
    /// there are more, `details.problems` lists them all: the package's own
    /// envelope (`error::envelope`, which the Worker answers with too).
    pub fn from_problems(problems: Vec<Problem>) -> Fail {
        let mut envelope = error::envelope(&problems);
        match serde_json::from_value::<ApiError>(envelope["error"].take()) {
            Ok(api) => Fail {
                status: status_for(&api.code),
                error: Box::new(api),
            },
            Err(_) => Fail::internal("the problems could not be answered"),
        }
    }

    pub fn envelope(&self) -> Value {
        json!({ "error": self.error })
    }
}

/// A value echoed in a message, cut to 60 characters.
pub fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}
