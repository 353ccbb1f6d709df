//! Webhook signatures (docs/contract.md#webhook-signatures): sign, verify, parse. No clock here:
//! `now` is always an argument, because the std clock panics in wasm32.
//!
//! Verification is two steps so a verifier-only build can stop after the
//! first: [`verify_signature`] (headers, timestamp, HMAC; no JSON) and
//! [`parse_event`] (the JSON envelope and its id). [`verify`] does both, in
//! that order, so no byte of an unauthenticated body is ever parsed.
//!
//! Decisions (docs/contract.md#webhook-signatures):
//! - `v1` hex is accepted in either letter case: it decodes to the same MAC.
//! - A header with no `v1` entry at all is `signature_mismatch`.
//! - A malformed entry (no `=`, or a `v1` value that is not 64 hex digits) is
//!   skipped; if no entry matches and one was malformed, the error is
//!   `invalid_header` so a truncated header is reported as such.
//! - The timestamp must be 1–19 ASCII digits, nothing else (no sign, no
//!   spaces, no fraction): it is signed exactly as sent.

use crate::error::PeekerError;
use crate::hmac::{as_arrays, equal_in_constant_time, SigningKey};
use crate::model::event::Event;
use std::fmt;

pub const HEADER_EVENT_ID: &str = "Peeker-Event-Id";
pub const HEADER_TIMESTAMP: &str = "Peeker-Timestamp";
pub const HEADER_SIGNATURE: &str = "Peeker-Signature";

/// Five minutes either way, the contract's default (docs/contract.md#webhook-signatures).
pub const DEFAULT_TOLERANCE_SECS: u64 = 300;

// The JS verifier reads these options; this type is their one description,
// from which the package's TypeScript comes.
/// Options of `verifyWebhook`.
#[derive(Debug, Clone, PartialEq, Default, schemars::JsonSchema)]
#[schemars(rename_all = "camelCase")]
pub struct VerifyWebhookOptions {
    /// Accepted clock difference either way, in seconds.
    #[schemars(skip_serializing_if = "Option::is_none", with = "u64")]
    #[schemars(extend("default" = DEFAULT_TOLERANCE_SECS))]
    pub tolerance_seconds: Option<u64>,
    /// The current time in Unix seconds. Default: now.
    #[schemars(skip_serializing_if = "Option::is_none", with = "u64")]
    pub now: Option<u64>,
}

/// The `code` values a [`WebhookError`] can carry.
pub mod codes {
    pub const MISSING_HEADER: &str = "missing_header";
    pub const INVALID_HEADER: &str = "invalid_header";
    pub const TIMESTAMP_OUT_OF_RANGE: &str = "timestamp_out_of_range";
    pub const SIGNATURE_MISMATCH: &str = "signature_mismatch";
    pub const INVALID_PAYLOAD: &str = "invalid_payload";
    pub const EVENT_ID_MISMATCH: &str = "event_id_mismatch";
    pub const INVALID_SECRET: &str = "invalid_secret";
    /// Every code, for the generated TypeScript union.
    pub const ALL: &[&str] = &[
        MISSING_HEADER,
        INVALID_HEADER,
        TIMESTAMP_OUT_OF_RANGE,
        SIGNATURE_MISMATCH,
        INVALID_PAYLOAD,
        EVENT_ID_MISMATCH,
        INVALID_SECRET,
    ];
}

/// Why a delivery was refused. Never holds a secret, a signature or a MAC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookError {
    /// One of [`codes`].
    pub code: &'static str,
    /// The header at fault, when there is one.
    pub field: Option<&'static str>,
    pub message: String,
}

impl WebhookError {
    fn new(code: &'static str, field: Option<&'static str>, message: impl Into<String>) -> Self {
        WebhookError {
            code,
            field,
            message: message.into(),
        }
    }
}

/// Why a delivery's signature was refused ([`check_signature`]): a code, the
/// header at fault and a message, all without allocating, so the
/// verifier-only wasm can write them into its buffer without core::fmt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No secret, or an empty one (`invalid_secret`).
    EmptySecret,
    MissingTimestamp,
    MissingSignature,
    /// `Peeker-Timestamp` is not 1–19 ASCII digits.
    BadTimestamp,
    /// `skew` seconds away from now (`old`: in the past), over `tolerance`.
    Stale {
        skew: u64,
        old: bool,
        tolerance: u64,
    },
    /// No entry matched and one was malformed (a truncated header?).
    MalformedSignature,
    /// No `v1=` entry at all.
    NoV1Entry,
    /// `v1` entries, none of them the body's HMAC under any secret.
    NoMatch,
}

impl Refusal {
    /// One of [`codes`].
    pub fn code(self) -> &'static str {
        match self {
            Refusal::EmptySecret => codes::INVALID_SECRET,
            Refusal::MissingTimestamp | Refusal::MissingSignature => codes::MISSING_HEADER,
            Refusal::BadTimestamp | Refusal::MalformedSignature => codes::INVALID_HEADER,
            Refusal::Stale { .. } => codes::TIMESTAMP_OUT_OF_RANGE,
            Refusal::NoV1Entry | Refusal::NoMatch => codes::SIGNATURE_MISMATCH,
        }
    }

    /// The header at fault, when there is one.
    pub fn field(self) -> Option<&'static str> {
        match self {
            Refusal::EmptySecret => None,
            Refusal::MissingTimestamp | Refusal::BadTimestamp | Refusal::Stale { .. } => {
                Some(HEADER_TIMESTAMP)
            }
            _ => Some(HEADER_SIGNATURE),
        }
    }

    /// The message, piece by piece, in order.
    pub fn message(self, out: &mut impl FnMut(&[u8])) {
        let text = match self {
            Refusal::EmptySecret => {
                "the webhook secret is empty; pass the secret shown in the Partner portal under Webhooks"
            }
            Refusal::MissingTimestamp => {
                "the Peeker-Timestamp header is missing; pass the request's headers as received"
            }
            Refusal::MissingSignature => {
                "the Peeker-Signature header is missing; pass the request's headers as received"
            }
            Refusal::BadTimestamp => {
                "Peeker-Timestamp must be Unix seconds as a plain decimal integer"
            }
            Refusal::Stale {
                skew,
                old,
                tolerance,
            } => {
                let mut digits = [0u8; 20];
                out(b"Peeker-Timestamp is ");
                out(decimal(skew, &mut digits));
                out(if old { b" s old" } else { b" s in the future" });
                out(b", beyond the ");
                out(decimal(tolerance, &mut digits));
                " s tolerance; a replay, or this machine's clock is off"
            }
            Refusal::MalformedSignature => {
                "Peeker-Signature has a malformed entry; expected comma-separated \
                 `v1=<64 hex digits>` entries (was the header truncated?)"
            }
            Refusal::NoV1Entry => {
                "Peeker-Signature has no `v1=` entry, the only version this SDK checks"
            }
            Refusal::NoMatch => {
                "no v1 signature matches the body; check the secret, and pass the raw body bytes \
                 exactly as received (never parsed and re-serialised JSON)"
            }
        };
        out(text.as_bytes());
    }
}

impl From<Refusal> for WebhookError {
    fn from(r: Refusal) -> Self {
        let mut message = Vec::with_capacity(160);
        r.message(&mut |piece| message.extend_from_slice(piece));
        WebhookError::new(
            r.code(),
            r.field(),
            String::from_utf8_lossy(&message).into_owned(),
        )
    }
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}){}",
            self.message,
            self.code,
            crate::error::docs::See(self.code)
        )
    }
}

impl std::error::Error for WebhookError {}

impl From<WebhookError> for PeekerError {
    fn from(e: WebhookError) -> Self {
        let err = PeekerError::new(e.code, e.message);
        match e.field {
            Some(field) => err.with_field(field),
            None => err,
        }
    }
}

/// The three Peeker headers, as the caller read them. Values are kept exactly
/// as received: the timestamp is signed as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebhookHeaders {
    pub event_id: Option<String>,
    pub timestamp: Option<String>,
    pub signature: Option<String>,
}

impl WebhookHeaders {
    /// Picks the Peeker headers out of `(name, value)` pairs, names compared
    /// case-insensitively. A repeated header is joined with `", "` as the
    /// fetch `Headers` class does, so both routes see the same value.
    pub fn from_pairs<I, K, V>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut h = WebhookHeaders::default();
        for (name, value) in pairs {
            let name = name.as_ref();
            let slot = if name.eq_ignore_ascii_case(HEADER_EVENT_ID) {
                &mut h.event_id
            } else if name.eq_ignore_ascii_case(HEADER_TIMESTAMP) {
                &mut h.timestamp
            } else if name.eq_ignore_ascii_case(HEADER_SIGNATURE) {
                &mut h.signature
            } else {
                continue;
            };
            match slot {
                Some(prev) => {
                    prev.push_str(", ");
                    prev.push_str(value.as_ref());
                }
                None => *slot = Some(value.as_ref().to_owned()),
            }
        }
        h
    }
}

/// The `Peeker-Signature` value for `body` sent at `timestamp`:
/// `v1=<lower-case hex HMAC-SHA256 of "{timestamp}.{body}">`.
pub fn sign(secret: &[u8], timestamp: &str, body: &[u8]) -> String {
    signature_value(&hmac_signed(secret, timestamp, body))
}

/// `v1=<lower-case hex of tag>`, a `Peeker-Signature` value.
pub fn signature_value(tag: &[u8; 32]) -> String {
    signature_ascii(tag)
        .iter()
        .map(|&b| char::from(b))
        .collect()
}

/// [`signature_value`] as its 67 ASCII bytes.
pub fn signature_ascii(tag: &[u8; 32]) -> [u8; 67] {
    let mut out = [0u8; 67];
    let hex = tag
        .iter()
        .flat_map(|&b| [HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]]);
    for (slot, c) in out.iter_mut().zip(b"v1=".iter().copied().chain(hex)) {
        *slot = c;
    }
    out
}

/// Checks a delivery end to end and returns its event: first the signature
/// (without touching the body's content), then the envelope.
pub fn verify(
    body: &[u8],
    headers: &WebhookHeaders,
    secrets: &[&[u8]],
    tolerance_secs: u64,
    now_unix_secs: i64,
) -> Result<Event, WebhookError> {
    verify_signature(body, headers, secrets, tolerance_secs, now_unix_secs)?;
    parse_event(body, headers)
}

/// Checks the headers, the timestamp's distance from `now_unix_secs` and the
/// HMAC against every secret (rotation) and every `v1` entry. No JSON.
pub fn verify_signature(
    body: &[u8],
    headers: &WebhookHeaders,
    secrets: &[&[u8]],
    tolerance_secs: u64,
    now_unix_secs: i64,
) -> Result<(), WebhookError> {
    // A configuration error is reported whatever the request looks like.
    if secrets.is_empty() || secrets.iter().any(|s| s.is_empty()) {
        return Err(empty_secret());
    }
    check_signature(
        headers.timestamp.as_deref().map(str::as_bytes),
        headers.signature.as_deref().map(str::as_bytes),
        secrets.len(),
        tolerance_secs,
        now_unix_secs,
        |i, timestamp| match secrets.get(i) {
            Some(secret) => mac_signed(&SigningKey::new(secret), timestamp, body),
            None => [0; 32],
        },
    )
    .map_err(WebhookError::from)
}

/// HMAC-SHA256 of `"{timestamp}.{body}"`, the signed content of
/// docs/contract.md#webhook-signatures.
pub fn hmac_signed(secret: &[u8], timestamp: &str, body: &[u8]) -> [u8; 32] {
    mac_signed(&SigningKey::new(secret), timestamp.as_bytes(), body)
}

/// [`hmac_signed`] with a key prepared earlier, fed in pieces so the body
/// is never copied.
pub fn mac_signed(key: &SigningKey, timestamp: &[u8], body: &[u8]) -> [u8; 32] {
    key.mac(&[timestamp, b".", body])
}

/// The `invalid_secret` error: no secret, or an empty one.
pub fn empty_secret() -> WebhookError {
    Refusal::EmptySecret.into()
}

/// Every decision of [`verify_signature`] after the secrets were checked:
/// both headers present (their bytes as received), the timestamp's grammar
/// and distance from `now_unix_secs`, the `v1` entries. `mac(i, timestamp)`
/// gives the HMAC-SHA256 of `"{timestamp}.{body}"` under secret `i` (of
/// `secret_count`), so the JS layer can compute it natively or with a key
/// prepared earlier; it is asked only once the headers passed, and at most
/// once per secret. Allocates nothing.
pub fn check_signature(
    timestamp: Option<&[u8]>,
    signature: Option<&[u8]>,
    secret_count: usize,
    tolerance_secs: u64,
    now_unix_secs: i64,
    mut mac: impl FnMut(usize, &[u8]) -> [u8; 32],
) -> Result<(), Refusal> {
    let timestamp = timestamp.ok_or(Refusal::MissingTimestamp)?;
    let signature = signature.ok_or(Refusal::MissingSignature)?;
    let ts = parse_timestamp(timestamp).ok_or(Refusal::BadTimestamp)?;

    let skew = now_unix_secs.abs_diff(ts);
    if skew > tolerance_secs {
        return Err(Refusal::Stale {
            skew,
            old: ts < now_unix_secs,
            tolerance: tolerance_secs,
        });
    }

    // On bytes: the grammar is ASCII, and byte slices keep the wasm small.
    // The entries are read again per secret rather than collected.
    let entries = || signature.split(|&b| b == b',').map(entry);
    let malformed = entries().any(|e| e == Entry::Malformed);
    let any_tag = entries().any(|e| matches!(e, Entry::V1(_)));
    if any_tag {
        for i in 0..secret_count {
            let expected = mac(i, timestamp);
            // Every tag is compared, so the time taken does not say which matched.
            let matched = entries().fold(false, |any, e| match e {
                Entry::V1(tag) => any | equal_in_constant_time(&tag, &expected),
                _ => any,
            });
            if matched {
                return Ok(());
            }
        }
    }
    Err(if malformed {
        Refusal::MalformedSignature
    } else if any_tag {
        Refusal::NoMatch
    } else {
        Refusal::NoV1Entry
    })
}

/// One comma-separated entry of `Peeker-Signature`.
#[derive(PartialEq)]
enum Entry {
    V1([u8; 32]),
    /// Another scheme (`v2=...`), or nothing between two commas: ignored.
    Other,
    /// No `=`, or a `v1` value that is not 64 hex digits.
    Malformed,
}

fn entry(raw: &[u8]) -> Entry {
    let entry = trim_blanks(raw);
    let mut parts = entry.splitn(2, |&b| b == b'=');
    match (parts.next(), parts.next()) {
        (Some(b"v1"), Some(value)) => decode_hex32(value).map_or(Entry::Malformed, Entry::V1),
        (Some(version), Some(_)) if !version.is_empty() => Entry::Other,
        _ if entry.is_empty() => Entry::Other,
        _ => Entry::Malformed,
    }
}

/// Parses an already verified body as the event envelope and checks its `id`
/// against `Peeker-Event-Id` when that header is present.
pub fn parse_event(body: &[u8], headers: &WebhookHeaders) -> Result<Event, WebhookError> {
    let event: Event = serde_json::from_slice(body).map_err(|e| {
        WebhookError::new(
            codes::INVALID_PAYLOAD,
            None,
            format!("the body is not a Peeker event envelope {{id, type, created_at, data}}: {e}"),
        )
    })?;
    // `data` is the resource itself (docs/contract.md#webhook-events): always an object.
    if !event.data.is_object() {
        return Err(WebhookError::new(
            codes::INVALID_PAYLOAD,
            None,
            "the event's `data` is not an object (the resource itself)",
        ));
    }
    if let Some(id) = headers.event_id.as_deref() {
        if id != event.id {
            return Err(WebhookError::new(
                codes::EVENT_ID_MISMATCH,
                Some(HEADER_EVENT_ID),
                "Peeker-Event-Id does not equal the body's `id`; the delivery was tampered with or mixed up",
            ));
        }
    }
    Ok(event)
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// 1–19 ASCII digits, nothing else, as an i64.
fn parse_timestamp(s: &[u8]) -> Option<i64> {
    let mut ts: Option<i64> = (!s.is_empty() && s.len() <= 19).then_some(0);
    for &b in s {
        ts = ts
            .filter(|_| b.is_ascii_digit())
            .and_then(|t| t.checked_mul(10))
            .and_then(|t| t.checked_add(i64::from(b.wrapping_sub(b'0'))));
    }
    ts
}

/// `n` in decimal, without core::fmt: the end of `digits`.
fn decimal(mut n: u64, digits: &mut [u8; 20]) -> &[u8] {
    let mut start = digits.len();
    for slot in digits.iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
        start -= 1;
        if n == 0 {
            break;
        }
    }
    digits.get(start..).unwrap_or_default()
}

/// Strips spaces and tabs at both ends (not other whitespace).
fn trim_blanks(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Exactly 64 hex digits, either case, to 32 bytes.
fn decode_hex32(bytes: &[u8]) -> Option<[u8; 32]> {
    let (pairs, []) = as_arrays::<2>(bytes) else {
        return None;
    };
    if pairs.len() != 32 {
        return None;
    }
    let mut out = [0u8; 32];
    for (o, [hi, lo]) in out.iter_mut().zip(pairs) {
        *o = (hex_val(*hi)? << 4) | hex_val(*lo)?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip() {
        let tag = crate::hmac::hmac_sha256(b"k", b"d");
        let signed = sign(b"k", "", b"");
        let hex = signed.strip_prefix("v1=").unwrap_or_default();
        assert_eq!(hex.len(), 64);
        let hex = hex.as_bytes();
        assert!(decode_hex32(hex).is_some());
        assert_eq!(decode_hex32(&hex.to_ascii_uppercase()), decode_hex32(hex));
        assert_ne!(decode_hex32(hex), Some(tag));
        assert_eq!(decode_hex32(&hex[1..]), None);
        assert_eq!(decode_hex32(&[&hex[1..], b"g"].concat()), None);
    }

    #[test]
    fn timestamp_grammar() {
        for ok in ["0", "1700000000", "0001700000000", "9223372036854775807"] {
            assert!(parse_timestamp(ok.as_bytes()).is_some(), "{ok}");
        }
        for bad in [
            "",
            "abc",
            "-1",
            "+1",
            "1.5",
            " 1",
            "1 ",
            "9223372036854775808",
            "17000000000000000000000",
            "１",
        ] {
            assert_eq!(parse_timestamp(bad.as_bytes()), None, "{bad}");
        }
    }

    #[test]
    fn decimal_without_fmt() {
        for n in [0, 7, 10, 300, 1_778_241_600, u64::MAX] {
            let mut digits = [0; 20];
            assert_eq!(decimal(n, &mut digits), n.to_string().as_bytes());
        }
    }

    #[test]
    fn from_pairs_is_case_insensitive_and_joins_repeats() {
        let h = WebhookHeaders::from_pairs([
            ("peeker-event-id", "evt_1"),
            ("PEEKER-TIMESTAMP", "1"),
            ("Peeker-Signature", "v1=a"),
            ("peeker-signature", "v1=b"),
            ("content-type", "application/json"),
        ]);
        assert_eq!(h.event_id.as_deref(), Some("evt_1"));
        assert_eq!(h.timestamp.as_deref(), Some("1"));
        assert_eq!(h.signature.as_deref(), Some("v1=a, v1=b"));
    }

    #[test]
    fn into_peeker_error_keeps_code_and_field() {
        let e: PeekerError = WebhookError::from(Refusal::MissingSignature).into();
        assert_eq!(e.code, codes::MISSING_HEADER);
        assert_eq!(e.field.as_deref(), Some(HEADER_SIGNATURE));
    }
}
