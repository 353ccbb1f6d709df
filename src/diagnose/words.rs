//! The causes and the diagnosis in words: what a terminal or a log shows.

use super::{Cause, Diagnosis};
use crate::webhook::{HEADER_EVENT_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP};
use std::fmt;

impl Cause {
    /// A stable name (`body_reserialised`, …), as serialised.
    pub fn code(&self) -> &'static str {
        match self {
            Cause::SecretEmpty => "secret_empty",
            Cause::HeaderMissing { .. } => "header_missing",
            Cause::HeaderMerged { .. } => "header_merged",
            Cause::HeaderFolded { .. } => "header_folded",
            Cause::TimestampMalformed { .. } => "timestamp_malformed",
            Cause::TimestampInMilliseconds => "timestamp_in_milliseconds",
            Cause::SignatureTruncated { .. } => "signature_truncated",
            Cause::SignatureWithoutV1 => "signature_without_v1",
            Cause::SecretWhitespace { .. } => "secret_whitespace",
            Cause::SecretNotFirst { .. } => "secret_not_first",
            Cause::SecretWrong { .. } => "secret_wrong",
            Cause::BodyReserialised { .. } => "body_reserialised",
            Cause::BodyReencoded { .. } => "body_reencoded",
            Cause::ClockSkew { .. } => "clock_skew",
            Cause::PayloadInvalid => "payload_invalid",
            Cause::EventIdMismatch => "event_id_mismatch",
        }
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cause::SecretEmpty => f.write_str(
                "no secret, or an empty one: pass the endpoint's secret from the Partner portal",
            ),
            Cause::HeaderMissing { header, similar: Some(other) } => write!(
                f,
                "{header} is missing, but `{other}` is present: a proxy or framework renamed it \
                 (nginx drops headers with `_` unless underscores_in_headers is on); pass the headers as Peeker sent them"
            ),
            Cause::HeaderMissing { header, similar: None } => write!(
                f,
                "{header} is missing: a proxy stripped it, or the headers passed are not the request's"
            ),
            Cause::HeaderMerged { header, copies } => write!(
                f,
                "{header} arrived {copies} times (as separate lines or merged into one with commas): \
                 a proxy added or duplicated it; read the first value, or stop the proxy from adding it"
            ),
            Cause::HeaderFolded { header } => write!(
                f,
                "{header} has whitespace or a line break inside its value: a proxy folded it over \
                 several lines; unfolded, it verifies"
            ),
            Cause::TimestampMalformed { what } => write!(
                f,
                "{HEADER_TIMESTAMP} is {what}; Peeker sends whole Unix seconds and signs them exactly as sent"
            ),
            Cause::TimestampInMilliseconds => write!(
                f,
                "{HEADER_TIMESTAMP} is in milliseconds: something rewrote it; Peeker sends Unix seconds"
            ),
            Cause::SignatureTruncated { hex_digits } => write!(
                f,
                "{HEADER_SIGNATURE} has a v1 entry of {hex_digits} hex digits instead of 64: the header was cut short \
                 (a header size limit, or a copy and paste)"
            ),
            Cause::SignatureWithoutV1 => write!(
                f,
                "{HEADER_SIGNATURE} has no `v1=` entry, the only scheme Peeker signs with"
            ),
            Cause::SecretWhitespace { index } => write!(
                f,
                "secret #{index} has whitespace around it (a trailing newline from a file or an environment variable?); \
                 trimmed, it verifies"
            ),
            Cause::SecretNotFirst { index, count } => write!(
                f,
                "only secret #{index} of the {count} given signs this delivery: code configured with another of them \
                 refuses it (pass every secret while rotating)"
            ),
            Cause::SecretWrong { count: 1 } => f.write_str(
                "the secret does not sign this body, and no usual change undone makes it: it is likely \
                 the wrong secret (another endpoint's, or live instead of test)",
            ),
            Cause::SecretWrong { count } => write!(
                f,
                "none of the {count} secrets signs this body, and no usual change undone makes one: they are likely \
                 the wrong secrets (another endpoint's, or live instead of test)"
            ),
            Cause::BodyReserialised { confirmed: true } => f.write_str(
                "the body was re-serialised (parsed and written again as JSON, with other spacing or key order); \
                 its compact form verifies: pass the raw body bytes, read before any JSON parser",
            ),
            Cause::BodyReserialised { confirmed: false } => f.write_str(
                "the body is not in Peeker's compact JSON form (other spacing, indentation or key order): \
                 it was probably parsed and written again; pass the raw body bytes",
            ),
            Cause::BodyReencoded { how, confirmed: true } => write!(
                f,
                "the body's bytes changed on the way: {how}; undone, it verifies: pass the raw bytes"
            ),
            Cause::BodyReencoded { how, confirmed: false } => write!(
                f,
                "the body's bytes may have changed on the way: {how}; pass the raw bytes"
            ),
            Cause::ClockSkew { skew_secs, old, tolerance_secs, signature_ok } => {
                let when = if *old { "in the past" } else { "in the future" };
                write!(
                    f,
                    "{HEADER_TIMESTAMP} is {skew_secs} s {when}, over the {tolerance_secs} s tolerance"
                )?;
                if *signature_ok {
                    f.write_str(
                        " (the signature itself is right): this machine's clock is off by about that much, \
                         or the delivery is a replay or was held that long",
                    )
                } else {
                    f.write_str(": a replayed delivery, or this machine's clock is off")
                }
            }
            Cause::PayloadInvalid => f.write_str(
                "the signature is right, but the body is not a Peeker event envelope {id, type, created_at, data}",
            ),
            Cause::EventIdMismatch => write!(
                f,
                "the signature is right, but {HEADER_EVENT_ID} differs from the body's `id`: the headers of one \
                 delivery were paired with another's body"
            ),
        }
    }
}

impl fmt::Display for Diagnosis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.failed_check, &self.message) {
            (Some(check), Some(message)) => writeln!(f, "refused: {check}: {message}")?,
            _ => writeln!(f, "verified")?,
        }
        for cause in &self.causes {
            writeln!(f, "- {cause}")?;
        }
        Ok(())
    }
}
