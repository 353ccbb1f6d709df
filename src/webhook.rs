//! Webhook signatures (Part A §A6): sign, verify, parse. No clock here: `now`
//! is always an argument, because the std clock panics in wasm32.
//!
//! Verification is two steps so a verifier-only build can stop after the
//! first: [`verify_signature`] (headers, timestamp, HMAC; no JSON) and
//! [`parse_event`] (the JSON envelope and its id). [`verify`] does both, in
//! that order, so no byte of an unauthenticated body is ever parsed.
//!
//! Decisions (also in notes/contract-decisions.md):
//! - `v1` hex is accepted in either letter case: it decodes to the same MAC.
//! - A header with no `v1` entry at all is `signature_mismatch`.
//! - A malformed entry (no `=`, or a `v1` value that is not 64 hex digits) is
//!   skipped; if no entry matches and one was malformed, the error is
//!   `invalid_header` so a truncated header is reported as such.
//! - The timestamp must be 1–19 ASCII digits, nothing else (no sign, no
//!   spaces, no fraction): it is signed exactly as sent.

use crate::error::PeekerError;
use crate::model::event::Event;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::fmt;

type HmacSha256 = Hmac<Sha256>;

pub const HEADER_EVENT_ID: &str = "Peeker-Event-Id";
pub const HEADER_TIMESTAMP: &str = "Peeker-Timestamp";
pub const HEADER_SIGNATURE: &str = "Peeker-Signature";

/// Five minutes either way, the contract's default (§A6).
pub const DEFAULT_TOLERANCE_SECS: u64 = 300;

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

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
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

/// HMAC-SHA256 of `data` under `key`.
pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = new_mac(key);
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// A webhook secret made ready for HMAC: its inner and outer SHA-256 states
/// are computed once, so each MAC costs only the blocks of the message.
/// Keep one per secret when verifying many deliveries. Its `Debug` shows nothing.
#[derive(Clone)]
pub struct SigningKey(HmacSha256);

impl SigningKey {
    pub fn new(secret: &[u8]) -> Self {
        SigningKey(new_mac(secret))
    }

    /// HMAC-SHA256 of `"{timestamp}.{body}"`, the signed content of §A6, fed
    /// in pieces so the body is never copied.
    pub fn mac_signed(&self, timestamp: &str, body: &[u8]) -> [u8; 32] {
        let mut mac = self.0.clone();
        mac.update(timestamp.as_bytes());
        mac.update(b".");
        mac.update(body);
        mac.finalize().into_bytes().into()
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(..)")
    }
}

/// The `Peeker-Signature` value for `body` sent at `timestamp`:
/// `v1=<lower-case hex HMAC-SHA256 of "{timestamp}.{body}">`.
pub fn sign(secret: &[u8], timestamp: &str, body: &[u8]) -> String {
    signature_value(&hmac_signed(secret, timestamp, body))
}

/// `v1=<lower-case hex of tag>`, a `Peeker-Signature` value.
pub fn signature_value(tag: &[u8; 32]) -> String {
    let mut out = String::with_capacity(3 + 64);
    out.push_str("v1=");
    for &b in tag {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 0xf)] as char);
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
    verify_signature_with(
        body,
        headers,
        secrets,
        tolerance_secs,
        now_unix_secs,
        hmac_signed,
    )
}

/// HMAC-SHA256 of `"{timestamp}.{body}"`, the signed content of §A6.
pub fn hmac_signed(secret: &[u8], timestamp: &str, body: &[u8]) -> [u8; 32] {
    SigningKey::new(secret).mac_signed(timestamp, body)
}

/// [`verify_signature`] with the HMAC-SHA256 of `"{timestamp}.{body}"` computed
/// by `mac(secret, timestamp, body)`.
pub fn verify_signature_with(
    body: &[u8],
    headers: &WebhookHeaders,
    secrets: &[&[u8]],
    tolerance_secs: u64,
    now_unix_secs: i64,
    mut mac: impl FnMut(&[u8], &str, &[u8]) -> [u8; 32],
) -> Result<(), WebhookError> {
    // A configuration error is reported whatever the request looks like.
    if secrets.is_empty() || secrets.iter().any(|s| s.is_empty()) {
        return Err(empty_secret());
    }
    check_signature(
        headers.timestamp.as_deref(),
        headers.signature.as_deref(),
        secrets.len(),
        tolerance_secs,
        now_unix_secs,
        |i, timestamp| mac(secrets[i], timestamp, body),
    )
}

/// The `invalid_secret` error: no secret, or an empty one.
pub fn empty_secret() -> WebhookError {
    WebhookError::new(
        codes::INVALID_SECRET,
        None,
        "the webhook secret is empty; pass the secret shown in the Partner portal under Webhooks",
    )
}

/// Every decision of [`verify_signature`] after the secrets were checked:
/// both headers present, the timestamp's grammar and distance from
/// `now_unix_secs`, the `v1` entries. `mac(i, timestamp)` gives the
/// HMAC-SHA256 of `"{timestamp}.{body}"` under secret `i` (of `secret_count`),
/// so the JS layer can compute it natively or with a key prepared earlier;
/// it is asked only once the headers passed, and at most once per secret.
pub fn check_signature(
    timestamp: Option<&str>,
    signature: Option<&str>,
    secret_count: usize,
    tolerance_secs: u64,
    now_unix_secs: i64,
    mut mac: impl FnMut(usize, &str) -> [u8; 32],
) -> Result<(), WebhookError> {
    let timestamp = required(
        timestamp,
        HEADER_TIMESTAMP,
        "the Peeker-Timestamp header is missing; pass the request's headers as received",
    )?;
    let signature = required(
        signature,
        HEADER_SIGNATURE,
        "the Peeker-Signature header is missing; pass the request's headers as received",
    )?;
    let ts = parse_timestamp(timestamp)?;

    let skew = now_unix_secs.abs_diff(ts);
    if skew > tolerance_secs {
        let when = if ts < now_unix_secs {
            "old"
        } else {
            "in the future"
        };
        // Built by hand, not with format!: the verifier-only wasm has no core::fmt.
        let mut message = String::with_capacity(128);
        message.push_str(HEADER_TIMESTAMP);
        message.push_str(" is ");
        push_decimal(&mut message, skew);
        message.push_str(" s ");
        message.push_str(when);
        message.push_str(", beyond the ");
        push_decimal(&mut message, tolerance_secs);
        message.push_str(" s tolerance; a replay, or this machine's clock is off");
        return Err(WebhookError::new(
            codes::TIMESTAMP_OUT_OF_RANGE,
            Some(HEADER_TIMESTAMP),
            message,
        ));
    }

    let mut tags = Vec::new();
    let mut malformed = false;
    // On bytes: the grammar is ASCII, and byte slices keep the wasm small.
    for entry in signature.as_bytes().split(|&b| b == b',') {
        let entry = trim_blanks(entry);
        let mut parts = entry.splitn(2, |&b| b == b'=');
        match (parts.next(), parts.next()) {
            (Some(b"v1"), Some(value)) => match decode_hex32(value) {
                Some(tag) => tags.push(tag),
                None => malformed = true,
            },
            (Some(version), Some(_)) if !version.is_empty() => {} // another scheme: ignored
            _ => malformed = !entry.is_empty() || malformed,
        }
    }

    if !tags.is_empty() {
        for i in 0..secret_count {
            let expected = mac(i, timestamp);
            // Every tag is compared, so the time taken does not say which matched.
            let matched = tags.iter().fold(false, |any, tag| {
                any | equal_in_constant_time(tag, &expected)
            });
            if matched {
                return Ok(());
            }
        }
    }

    Err(if malformed {
        WebhookError::new(
            codes::INVALID_HEADER,
            Some(HEADER_SIGNATURE),
            "Peeker-Signature has a malformed entry; expected comma-separated \
             `v1=<64 hex digits>` entries (was the header truncated?)",
        )
    } else if tags.is_empty() {
        WebhookError::new(
            codes::SIGNATURE_MISMATCH,
            Some(HEADER_SIGNATURE),
            "Peeker-Signature has no `v1=` entry, the only version this SDK checks",
        )
    } else {
        WebhookError::new(
            codes::SIGNATURE_MISMATCH,
            Some(HEADER_SIGNATURE),
            "no v1 signature matches the body; check the secret, and pass the raw body bytes \
             exactly as received (never parsed and re-serialised JSON)",
        )
    })
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
    // `data` is the resource itself (Part A §A6): always an object.
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

/// Every byte is compared whatever the first difference: the time taken says
/// nothing about how much of a forged tag was right.
fn equal_in_constant_time(a: &[u8; 32], b: &[u8; 32]) -> bool {
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    core::hint::black_box(diff) == 0
}

fn new_mac(key: &[u8]) -> HmacSha256 {
    match HmacSha256::new_from_slice(key) {
        Ok(mac) => mac,
        // HMAC takes keys of any length: unreachable, and no panic message
        // (with its formatting machinery) in the wasm.
        Err(_) => std::process::abort(),
    }
}

fn required<'a>(
    value: Option<&'a str>,
    name: &'static str,
    message: &'static str,
) -> Result<&'a str, WebhookError> {
    value.ok_or_else(|| WebhookError::new(codes::MISSING_HEADER, Some(name), message))
}

fn parse_timestamp(s: &str) -> Result<i64, WebhookError> {
    let mut ts: Option<i64> = (!s.is_empty() && s.len() <= 19).then_some(0);
    for b in s.bytes() {
        ts = ts
            .filter(|_| b.is_ascii_digit())
            .and_then(|t| t.checked_mul(10))
            .and_then(|t| t.checked_add(i64::from(b.wrapping_sub(b'0'))));
    }
    ts.ok_or_else(|| {
        WebhookError::new(
            codes::INVALID_HEADER,
            Some(HEADER_TIMESTAMP),
            "Peeker-Timestamp must be Unix seconds as a plain decimal integer",
        )
    })
}

/// `n` in decimal, without core::fmt.
pub(crate) fn push_decimal(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut len = 0;
    for slot in digits.iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
        len += 1;
        if n == 0 {
            break;
        }
    }
    for &d in digits.iter().skip(digits.len() - len) {
        out.push(char::from(d));
    }
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
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (o, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
        if let [hi, lo] = pair {
            *o = (hex_val(*hi)? << 4) | hex_val(*lo)?;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip() {
        let tag = hmac_sha256(b"k", b"d");
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
            assert!(parse_timestamp(ok).is_ok(), "{ok}");
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
            let e = parse_timestamp(bad).unwrap_err();
            assert_eq!(e.code, codes::INVALID_HEADER, "{bad}");
        }
    }

    #[test]
    fn decimal_without_fmt() {
        for n in [0, 7, 10, 300, 1_778_241_600, u64::MAX] {
            let mut s = String::new();
            push_decimal(&mut s, n);
            assert_eq!(s, n.to_string());
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
        let e: PeekerError = required(None, HEADER_SIGNATURE, "missing")
            .unwrap_err()
            .into();
        assert_eq!(e.code, codes::MISSING_HEADER);
        assert_eq!(e.field.as_deref(), Some(HEADER_SIGNATURE));
    }
}
