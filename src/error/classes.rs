//! The error table: every error class the package throws, and every HTTP
//! error status the API answers with, in one place. The Rust client reads it
//! (which class, code and advice an answer gets; whether it is retried) and
//! `cargo xtask codegen` writes the JS classes and their declarations from it
//! (`src/js/errors.js`, `pkg-template/errors.js`, `pkg-template/errors.d.ts`)
//! and the error answers of `openapi.json`.

use super::codes;

/// One error class of the JS package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorClass {
    /// The class name, also its `name` at run time.
    pub name: &'static str,
    /// The class it extends (`Error` for the base class).
    pub parent: &'static str,
    /// One line for its declaration. An API error's statuses are written
    /// before it (`401: …`).
    pub doc: &'static str,
    /// The error answers that throw it (API errors only).
    pub answers: &'static [Answer],
}

/// An HTTP error status (or range of them) the API answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    /// The statuses, inclusive (`500..=599` for any 5xx).
    pub first: u16,
    pub last: u16,
    /// What it means, by its codes (openapi.json).
    pub meaning: &'static str,
    /// The code of such an answer without an error envelope (`http_error`
    /// when none is given).
    pub bare_code: Option<&'static str>,
    /// Which endpoints may answer it.
    pub on: On,
    /// Whether and how the client retries it.
    pub retry: Retry,
    /// What the caller should do, ending the error's message; `{field}` is
    /// the field at fault or "the request". None: the generic advice.
    pub advice: Option<&'static str>,
    /// What this project decided where Peeker's docs are silent, if anything
    /// (openapi.json marks it).
    pub decision: Option<&'static str>,
}

/// Which endpoints may answer an error status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum On {
    /// Every endpoint.
    Every,
    /// Every endpoint but the GETs (the ones with a body).
    Writes,
    /// The endpoints whose row lists the class (`errors` in the endpoint table).
    Listed,
}

/// How the client retries an error answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Never: sent again unchanged, it fails the same way.
    Never,
    /// Always (the server refused before doing anything), after the wait it
    /// asks for.
    AfterRateLimit,
    /// With backoff, when the endpoint is safe to send again.
    Backoff,
}

const fn one(status: u16, meaning: &'static str) -> Answer {
    Answer {
        first: status,
        last: status,
        meaning,
        bare_code: None,
        on: On::Every,
        retry: Retry::Never,
        advice: None,
        decision: None,
    }
}

/// Every error class, parents before children.
pub const CLASSES: &[ErrorClass] = &[
    PEEKER,
    VALIDATION,
    WEBHOOK_VERIFICATION,
    API,
    AUTHENTICATION,
    PERMISSION,
    NOT_FOUND,
    CONFLICT,
    UNPROCESSABLE,
    RATE_LIMIT,
    SERVER,
    CONNECTION,
    TIMEOUT,
    ABORT,
];

pub const PEEKER: ErrorClass = ErrorClass {
    name: "PeekerError",
    parent: "Error",
    doc: "Base class: every error this package throws is a PeekerError.",
    answers: &[],
};

pub const VALIDATION: ErrorClass = ErrorClass {
    name: "ValidationError",
    parent: "PeekerError",
    doc: "The input was refused before any request was made; `problems` lists every problem found.",
    answers: &[],
};

pub const WEBHOOK_VERIFICATION: ErrorClass = ErrorClass {
    name: "WebhookVerificationError",
    parent: "PeekerError",
    doc: "A webhook could not be verified.",
    answers: &[],
};

pub const API: ErrorClass = ErrorClass {
    name: "ApiError",
    parent: "PeekerError",
    doc: "The API answered an error.",
    answers: &[
        Answer {
            bare_code: Some(codes::INVALID_REQUEST),
            advice: Some(
                "fix {field} and send again; resending it unchanged will fail the same way",
            ),
            ..one(
                400,
                "`invalid_request` (with `field`) or `order_shape_conflict`.",
            )
        },
        Answer {
            on: On::Writes,
            decision: Some(
                "Peeker's docs name no body limit: 1 MiB, answered 413 `payload_too_large`.",
            ),
            ..one(413, "`payload_too_large`: the body is over 1 MiB.")
        },
    ],
};

pub const AUTHENTICATION: ErrorClass = ErrorClass {
    name: "AuthenticationError",
    parent: "ApiError",
    doc: "the key is missing, malformed or revoked.",
    answers: &[Answer {
        bare_code: Some(codes::UNAUTHORIZED),
        advice: Some("check the API key (pk_test_… for the sandbox, pk_live_… for production; revoked keys stop working) and that it is sent as `Authorization: Bearer <key>`"),
        ..one(401, "`unauthorized`: the key is missing, malformed or revoked.")
    }],
};

pub const PERMISSION: ErrorClass = ErrorClass {
    name: "PermissionError",
    parent: "ApiError",
    doc: "the key's preset does not allow this call; use a full key.",
    answers: &[Answer {
        bare_code: Some(codes::FORBIDDEN),
        advice: Some("this key's permission preset does not allow this call (read and limited keys cannot write); use a key with the full preset"),
        ..one(403, "`forbidden`: the key's preset does not permit the call.")
    }],
};

pub const NOT_FOUND: ErrorClass = ErrorClass {
    name: "NotFoundError",
    parent: "ApiError",
    doc: "no such record in this key's account.",
    answers: &[Answer {
        bare_code: Some(codes::NOT_FOUND),
        advice: Some("no such record in this key's account; check the id (404s are account-scoped: another key will not see it either)"),
        ..one(404, "`not_found`: no such record in this account.")
    }],
};

pub const CONFLICT: ErrorClass = ErrorClass {
    name: "ConflictError",
    parent: "ApiError",
    doc: "a conflict, such as a user email in use.",
    answers: &[Answer {
        bare_code: Some(codes::CONFLICT),
        on: On::Listed,
        advice: Some("it already exists (a user with this email, for example): retrieve or update the existing record instead"),
        ..one(409, "`conflict`, such as a user email in use.")
    }],
};

pub const UNPROCESSABLE: ErrorClass = ErrorClass {
    name: "UnprocessableError",
    parent: "ApiError",
    doc: "valid but cannot be done (`domain_count_mismatch`, `domain_unavailable`).",
    answers: &[Answer {
        on: On::Listed,
        advice: Some("the request is valid but cannot be done as asked; `details` says why (pick other domains, or fix the Google/Microsoft split). Nothing was charged"),
        ..one(422, "`domain_count_mismatch` or `domain_unavailable`.")
    }],
};

pub const RATE_LIMIT: ErrorClass = ErrorClass {
    name: "RateLimitError",
    parent: "ApiError",
    doc: "still rate limited after the retries.",
    answers: &[Answer {
        bare_code: Some(codes::RATE_LIMITED),
        retry: Retry::AfterRateLimit,
        advice: Some("over the rate limit; wait `details.retry_after_seconds` before calling again, lower rateLimitPerMinute, or ask Peeker support for a higher limit"),
        ..one(429, "`rate_limited`: wait `details.retry_after_seconds`.")
    }],
};

pub const SERVER: ErrorClass = ErrorClass {
    name: "ServerError",
    parent: "ApiError",
    doc: "the server failed, after the retries.",
    answers: &[Answer {
        last: 599,
        bare_code: Some(codes::INTERNAL_ERROR),
        retry: Retry::Backoff,
        advice: Some("the Peeker API failed; try again later, and if it persists contact Peeker support quoting the request id"),
        ..one(500, "`internal_error`: retry with backoff.")
    }],
};

pub const CONNECTION: ErrorClass = ErrorClass {
    name: "ConnectionError",
    parent: "PeekerError",
    doc: "No answer: the connection failed.",
    answers: &[],
};

pub const TIMEOUT: ErrorClass = ErrorClass {
    name: "TimeoutError",
    parent: "ConnectionError",
    doc: "No answer within `timeoutMs`.",
    answers: &[],
};

pub const ABORT: ErrorClass = ErrorClass {
    name: "AbortError",
    parent: "PeekerError",
    doc: "The caller's signal aborted the call.",
    answers: &[],
};

/// The class of API errors whose status no row names.
pub const API_ERROR: &str = "ApiError";
/// The code of an error answer without an envelope whose status has none.
pub const BARE_HTTP_ERROR: &str = "http_error";
/// The advice for a status without its own.
pub const GENERIC_ADVICE: &str = "see `code` and `details`";

impl Answer {
    pub const fn covers(&self, status: u16) -> bool {
        self.first <= status && status <= self.last
    }
}

/// What the client reads of an error answer: the table's columns without
/// its docs, gathered at compile time so the wasm carries no docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handling {
    /// The JS class to throw.
    pub class: &'static str,
    pub answer: Answer,
}

impl Handling {
    /// The code of an answer without an error envelope.
    pub fn bare_code(&self) -> &'static str {
        self.answer.bare_code.unwrap_or(BARE_HTTP_ERROR)
    }
}

const ANSWER_ROWS: usize = {
    let (mut n, mut i) = (0, 0);
    while i < CLASSES.len() {
        n += CLASSES[i].answers.len();
        i += 1;
    }
    n
};

static HANDLING: [Handling; ANSWER_ROWS] = {
    let mut rows = [Handling {
        class: API_ERROR,
        answer: one(0, ""),
    }; ANSWER_ROWS];
    let (mut n, mut i) = (0, 0);
    while i < CLASSES.len() {
        let mut j = 0;
        while j < CLASSES[i].answers.len() {
            let a = CLASSES[i].answers[j];
            rows[n] = Handling {
                class: CLASSES[i].name,
                answer: Answer {
                    meaning: "",
                    decision: None,
                    ..a
                },
            };
            n += 1;
            j += 1;
        }
        i += 1;
    }
    rows
};

/// How the client handles an error answer of `status`; `None` for a status
/// no row names ([`API_ERROR`], `http_error`, never retried).
pub fn handling(status: u16) -> Option<&'static Handling> {
    HANDLING.iter().find(|h| h.answer.covers(status))
}

/// The JS class of an error answer.
pub fn class_of_status(status: u16) -> &'static str {
    handling(status).map_or(API_ERROR, |h| h.class)
}

/// Every error answer with its class, by first status, ascending.
pub fn answers() -> Vec<(&'static ErrorClass, &'static Answer)> {
    let mut all: Vec<_> = CLASSES
        .iter()
        .flat_map(|c| c.answers.iter().map(move |a| (c, a)))
        .collect();
    all.sort_by_key(|(_, a)| a.first);
    all
}

/// The statuses of an answer as its class's doc writes them: `401`, `5xx`.
pub fn status_label(answer: &Answer) -> String {
    if answer.first == answer.last {
        answer.first.to_string()
    } else if answer.first % 100 == 0 && answer.last == answer.first + 99 {
        format!("{}xx", answer.first / 100)
    } else {
        format!("{}-{}", answer.first, answer.last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_parent_comes_first_and_names_are_unique() {
        for (i, class) in CLASSES.iter().enumerate() {
            assert!(
                class.parent == "Error" || CLASSES[..i].iter().any(|c| c.name == class.parent),
                "{} extends {}, which is not declared before it",
                class.name,
                class.parent
            );
            assert_eq!(
                CLASSES.iter().filter(|c| c.name == class.name).count(),
                1,
                "{}",
                class.name
            );
        }
    }

    #[test]
    fn no_status_has_two_rows() {
        for status in 100..=999 {
            let rows = CLASSES
                .iter()
                .flat_map(|c| c.answers)
                .filter(|a| a.covers(status))
                .count();
            assert!(rows <= 1, "{status} has {rows} rows");
        }
    }

    #[test]
    fn statuses_pick_their_class() {
        assert_eq!(class_of_status(401), "AuthenticationError");
        assert_eq!(class_of_status(503), "ServerError");
        assert_eq!(class_of_status(400), "ApiError");
        assert_eq!(class_of_status(418), "ApiError");
    }
}
