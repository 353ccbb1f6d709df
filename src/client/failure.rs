//! Why a call failed, and what the caller is shown of it: the error class,
//! the code and a message that says what happened and what to do, every
//! string scrubbed of the call's secrets.

use crate::error::{classes, PeekerError, Problem};
use crate::json::take;
use crate::model::ApiError;
use crate::scrub::Scrubber;
use serde_json::Value;

/// Why a call failed.
pub(crate) enum Failure {
    /// Refused before any request (validation).
    Invalid(PeekerError),
    /// The API answered an error.
    Api {
        status: u16,
        error: ApiError,
        request_id: Option<String>,
        retries: u32,
    },
    /// No answer. `unsafe_not_retried`: the request may have reached the server
    /// and is not safe to resend, so it was not retried.
    Connection {
        message: String,
        retries: u32,
        unsafe_not_retried: bool,
    },
    Timeout {
        timeout_ms: u32,
        retries: u32,
        unsafe_not_retried: bool,
    },
    Aborted,
    /// A 2xx whose body is not JSON (or not the answer's shape).
    Decode(String),
    /// The answer was over 16 MiB; reading stopped there.
    TooLarge,
}

impl From<PeekerError> for Failure {
    fn from(e: PeekerError) -> Self {
        Failure::Invalid(e)
    }
}

/// A failed call as the caller is shown it: every string scrubbed of the
/// call's secrets.
pub(crate) struct Shown {
    /// The error class's name (`ConflictError`).
    pub class: &'static str,
    pub code: String,
    pub message: String,
    pub field: Option<String>,
    pub details: Option<Value>,
    pub problems: Vec<Problem>,
    /// 0 when there was no answer.
    pub status: u16,
    pub request_id: Option<String>,
}

impl Failure {
    /// What the caller of `name` (`orders.create`) is shown: the class, the
    /// code and a message that says what happened and what to do.
    pub fn shown(self, name: &str, scrub: &Scrubber) -> Shown {
        let simple = |class: &'static str, code: &str, message: String| Shown {
            class,
            code: code.to_owned(),
            message: scrub.text(&message),
            field: None,
            details: None,
            problems: Vec::new(),
            status: 0,
            request_id: None,
        };
        let not_resent = "; it was not sent again because it may have reached the server and is not safe to repeat: check (e.g. with a list call) before sending it again";
        match self {
            Failure::Invalid(e) => Shown {
                class: if e.problems.is_empty() {
                    classes::PEEKER.name
                } else {
                    classes::VALIDATION.name
                },
                message: scrub.text(&e.message),
                field: e.field.map(|f| scrub.text(&f)),
                details: e.details.map(|d| scrub.value(&d)),
                problems: e
                    .problems
                    .into_iter()
                    .map(|mut p| {
                        p.message = scrub.text(&p.message);
                        p.field = scrub.text(&p.field);
                        p.details = p.details.as_ref().map(|d| scrub.value(d));
                        p
                    })
                    .collect(),
                code: e.code,
                status: 0,
                request_id: None,
            },
            Failure::Api {
                status,
                error,
                request_id,
                retries,
            } => {
                let request_id = request_id.map(|id| scrub.text(&id));
                let error = ApiError {
                    code: scrub.text(&error.code),
                    message: scrub.text(&error.message),
                    field: error.field.map(|f| scrub.text(&f)),
                    ..error
                };
                let id = request_id
                    .as_deref()
                    .map(|id| format!(" [request {id}]"))
                    .unwrap_or_default();
                let message = format!(
                    "{name}: {} ({status} {}){}: {}{id}",
                    error.message.trim_end_matches('.'),
                    error.code,
                    retried(retries),
                    advice(status, &error),
                );
                Shown {
                    class: classes::class_of_status(status),
                    message: scrub.text(&message),
                    details: error.details.as_ref().map(|d| scrub.value(d)),
                    code: error.code,
                    field: error.field,
                    problems: Vec::new(),
                    status,
                    request_id,
                }
            }
            Failure::Connection {
                message,
                retries,
                unsafe_not_retried,
            } => simple(
                classes::CONNECTION.name,
                "connection_error",
                format!(
                    "{name}: could not reach the Peeker API ({message}){}; check baseUrl and the network{}",
                    retried(retries),
                    if unsafe_not_retried { not_resent } else { "" }
                ),
            ),
            Failure::Timeout {
                timeout_ms,
                retries,
                unsafe_not_retried,
            } => simple(
                classes::TIMEOUT.name,
                "timeout",
                format!(
                    "{name}: no answer within {timeout_ms} ms{}; raise timeoutMs or try again later{}",
                    retried(retries),
                    if unsafe_not_retried { not_resent } else { "" }
                ),
            ),
            Failure::Aborted => simple(
                classes::ABORT.name,
                "aborted",
                format!("{name}: aborted by its signal"),
            ),
            Failure::Decode(message) => simple(classes::PEEKER.name, "invalid_response", format!("{name}: {message}")),
            Failure::TooLarge => simple(
                classes::PEEKER.name,
                "response_too_large",
                format!("{name}: the answer is over 16 MiB and was cut off; check baseUrl points at the Peeker API (or the Worker's proxy)"),
            ),
        }
    }
}

/// What to do about an API error: its status's advice in the error table.
fn advice(status: u16, error: &ApiError) -> String {
    let advice = classes::handling(status)
        .and_then(|h| h.answer.advice)
        .unwrap_or(classes::GENERIC_ADVICE);
    // `{field}`: the field at fault, or the request. (Split at a char: a
    // `str` pattern brings core's two-way string search into the wasm.)
    match advice.split_once('{') {
        Some((head, tail)) => {
            let tail = tail.strip_prefix("field}").unwrap_or(tail);
            match &error.field {
                Some(f) => format!("{head}`{f}`{tail}"),
                None => format!("{head}the request{tail}"),
            }
        }
        None => advice.to_owned(),
    }
}

fn retried(retries: u32) -> String {
    match retries {
        0 => String::new(),
        1 => " (after 1 retry)".to_owned(),
        n => format!(" (after {n} retries)"),
    }
}

/// A 2xx whose body is not JSON.
pub(crate) fn not_json(body: &str) -> Failure {
    Failure::Decode(format!(
        "the API answered success with a body that is not JSON ({} bytes)",
        body.len()
    ))
}

/// The error envelope of an answer, or one made up from the status.
pub(super) fn api_error(status: u16, body: &str) -> ApiError {
    // Read through `Value` (already in the module) rather than the typed
    // envelope: serde's `flatten` costs kilobytes of wasm.
    if let Some(Value::Object(mut root)) = crate::json::parse(body) {
        if let Some(Value::Object(mut e)) = take(&mut root, "error") {
            if let (Some(Value::String(code)), Some(Value::String(message))) =
                (take(&mut e, "code"), take(&mut e, "message"))
            {
                let field = match take(&mut e, "field") {
                    Some(Value::String(f)) => Some(f),
                    _ => None,
                };
                return ApiError {
                    code,
                    message,
                    field,
                    details: take(&mut e, "details").filter(|d| !d.is_null()),
                    extra: Default::default(),
                };
            }
        }
    }
    let code = classes::handling(status).map_or(classes::BARE_HTTP_ERROR, |h| h.bare_code());
    ApiError {
        code: code.to_owned(),
        message: format!("HTTP {status} without a Peeker error envelope"),
        field: None,
        details: None,
        extra: Default::default(),
    }
}
