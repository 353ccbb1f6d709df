//! Where each error code is explained: the link every message ends with,
//! and the codes outside the API's catalogue with what causes them and what
//! to do. `cargo xtask codegen` writes docs/errors.md from these, the API's
//! codes ([`super::codes::DOCUMENTED`]) and the error table
//! ([`super::classes`]).

use std::fmt;

/// docs/errors.md as published; a code's section is `#<code>`.
pub const DOCS_URL: &str = "https://github.com/peeker/peeker-partner/blob/main/docs/errors.md";

/// The link to `code`'s section.
pub fn doc_url(code: &str) -> String {
    format!("{DOCS_URL}#{code}")
}

/// `; see <link>`, what every message ends with (the JS classes add the same).
pub struct See<'a>(pub &'a str);

impl fmt::Display for See<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "; see {DOCS_URL}#{}", self.0)
    }
}

/// A code the SDK itself gives (not an API answer's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeDoc {
    pub code: &'static str,
    /// The JS class thrown with it.
    pub class: &'static str,
    /// What causes it.
    pub cause: &'static str,
    /// What to do.
    pub fix: &'static str,
}

const fn sdk(
    code: &'static str,
    class: &'static str,
    cause: &'static str,
    fix: &'static str,
) -> CodeDoc {
    CodeDoc {
        code,
        class,
        cause,
        fix,
    }
}

const WEBHOOK_ERROR: &str = "WebhookVerificationError";
const RAW_BODY: &str = "Pass the raw body, byte for byte: in Express, `express.raw({ type: \"application/json\" })` \
    on the route and then `req.body` (a Buffer). With no body parser, or `express.raw()` alone (its default type is \
    `application/octet-stream`, not a delivery's `application/json`), Express 5 leaves `req.body` undefined and \
    Express 4 `{}`; `express.json()` gives a parsed object, which cannot be verified. In a Next.js route handler, \
    `await request.text()`; in Hono, `await c.req.text()` (and `c.req.raw` for `handleWebhook`, which takes a Fetch \
    API `Request`).";

/// The codes the SDK gives besides the API's (the webhook verifier's among
/// them), in the order docs/errors.md lists them.
pub const SDK_CODES: &[CodeDoc] = &[
    sdk(
        super::codes::VALIDATION_FAILED,
        "ValidationError",
        "The input was refused before any request was made; `problems` lists every problem found, each with its `field`.",
        "Fix each problem's field; nothing was sent, so nothing was charged.",
    ),
    sdk(
        "missing_header",
        WEBHOOK_ERROR,
        "`Peeker-Timestamp` or `Peeker-Signature` is absent (`field` names it), or the headers passed could not be read.",
        "Pass the request's headers as received (`request.headers`, `req.headers`). If a proxy sits in front, check it forwards both headers: nginx drops names with `_` and some proxies rename headers (`X-Peeker-Signature`). `diagnoseWebhook` names a look-alike header when there is one.",
    ),
    sdk(
        "invalid_header",
        WEBHOOK_ERROR,
        "`Peeker-Timestamp` is not Unix seconds as a plain decimal integer, or `Peeker-Signature` has a malformed entry (a header cut short).",
        "Pass the headers exactly as received; a proxy that folds, truncates or rewrites them breaks the signature. `diagnoseWebhook` says which.",
    ),
    sdk(
        "timestamp_out_of_range",
        WEBHOOK_ERROR,
        "`Peeker-Timestamp` is further from now than the tolerance (five minutes by default): a replayed delivery, or this machine's clock is off. The message says by how much.",
        "Check the server's clock (NTP). A delivery held longer than the tolerance (a queue, a debugger) is refused by design: Peeker retries it with a fresh timestamp.",
    ),
    sdk(
        "signature_mismatch",
        WEBHOOK_ERROR,
        "No `v1` signature matches the body under any secret given: the body changed on the way (parsed and re-serialised, re-encoded), or the secret is the wrong one.",
        "Use the endpoint's secret from the Partner portal (test and live differ; pass every secret while rotating) and the raw body. Log `diagnoseWebhook(...)` (or `error.diagnosis` in `handleWebhook`'s `onError`) to see which.",
    ),
    sdk(
        "invalid_payload",
        WEBHOOK_ERROR,
        "The body given is not the raw request body (undefined, null, an empty object or a parsed object), or a verified body is not a Peeker event envelope `{id, type, created_at, data}`.",
        RAW_BODY,
    ),
    sdk(
        "event_id_mismatch",
        WEBHOOK_ERROR,
        "The signature is right, but `Peeker-Event-Id` differs from the body's `id`: one delivery's headers were paired with another's body.",
        "Pass the headers and the body of the same request.",
    ),
    sdk(
        "invalid_secret",
        WEBHOOK_ERROR,
        "The webhook secret (or the browser tokens' signing secret) is missing or empty: often an environment variable that is not set.",
        "Pass the secret shown in the Partner portal under Webhooks, as a non-empty string, or an array of them while rotating.",
    ),
    sdk(
        "invalid_options",
        "PeekerError",
        "An option is out of its range (`field` names it), such as `toleranceSeconds` over a day.",
        "Fix the option as the message says.",
    ),
    sdk(
        "connection_error",
        "ConnectionError",
        "No answer: the connection to the API failed (DNS, TLS, a reset).",
        "Check the network and `baseUrl`. Safe calls were retried already; a create that may have reached the server was not sent again.",
    ),
    sdk(
        "timeout",
        "TimeoutError",
        "No answer within `timeoutMs`.",
        "Raise `timeoutMs`, or retry later; a create that may have reached the server was not sent again.",
    ),
    sdk(
        "aborted",
        "AbortError",
        "The caller's `signal` aborted the call.",
        "Nothing to fix: your code asked for it.",
    ),
    sdk(
        "invalid_response",
        "PeekerError",
        "The API's answer could not be read as the model says.",
        "Report it to Peeker support with the request id; a newer API may need a newer package.",
    ),
    sdk(
        "response_too_large",
        "PeekerError",
        "The API's answer was over the size the client reads (16 MiB).",
        "Ask for smaller pages (`perPage`).",
    ),
    sdk(
        "browser_not_allowed",
        "PeekerError",
        "A secret API key was given to `PeekerClient` in a browser.",
        "Never ship the key to a page: call the Worker's `/api` proxy with a browser token instead.",
    ),
    sdk(
        "expired",
        "PeekerError",
        "A browser token is past its expiry.",
        "Mint a fresh token (they are short-lived by design).",
    ),
    sdk(
        "not_yet_valid",
        "PeekerError",
        "A browser token's `iat` is in the future: the two machines' clocks differ.",
        "Check the clocks (NTP) of the machine that mints tokens and the Worker.",
    ),
    sdk(
        "not_initialized",
        "PeekerError",
        "`peeker-partner/web` was called before `await init()`.",
        "Call `await init()` once before anything else, or import an entry that initialises itself.",
    ),
    sdk(
        super::classes::BARE_HTTP_ERROR,
        "ApiError",
        "The API answered an error status without an error envelope, and the status has no code of its own.",
        "See `status`; quote `requestId` to Peeker support if it persists.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_documented_once() {
        let mut all: Vec<&str> = super::super::codes::DOCUMENTED
            .iter()
            .map(|(code, _)| *code)
            .chain(SDK_CODES.iter().map(|c| c.code))
            .collect();
        let n = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), n, "a code documented twice");
    }

    #[test]
    fn the_link_names_the_code() {
        assert_eq!(
            See("signature_mismatch").to_string(),
            "; see https://github.com/peeker/peeker-partner/blob/main/docs/errors.md#signature_mismatch"
        );
        assert_eq!(doc_url("rate_limited"), format!("{DOCS_URL}#rate_limited"));
        assert_eq!(
            crate::PeekerError::new("rate_limited", "slow down").to_string(),
            format!("slow down (rate_limited); see {DOCS_URL}#rate_limited")
        );
    }
}
