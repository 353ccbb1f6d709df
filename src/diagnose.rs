//! Why a webhook delivery does not verify, in words.
//!
//! [`diagnose`] runs the verifier ([`webhook::verify`]) on a delivery as
//! received and, when it refuses, tries the usual accidents one by one until
//! the signature matches: the header a proxy repeated, merged or folded, the
//! secret with whitespace around it, the body re-serialised or re-encoded,
//! the clock off. What made it match is the cause; when nothing does, the
//! causes left are the likely ones (the wrong secret, a changed body).
//!
//! Pure: the time is an argument and nothing is read or written. Secrets are
//! named by their position only, never shown, and no signature is echoed.

use crate::webhook::{self, codes, WebhookError, WebhookHeaders};
use crate::webhook::{HEADER_SIGNATURE, HEADER_TIMESTAMP};
use serde::Serialize;
use serde_json::Value;

mod words;

/// One reason a delivery fails (or nearly fails) to verify.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "cause", rename_all = "snake_case")]
pub enum Cause {
    /// No secret was given, or an empty one.
    SecretEmpty,
    /// A Peeker header is absent; `similar` is a header that looks like it
    /// under another name (renamed by a proxy, or `_` for `-`).
    HeaderMissing {
        header: &'static str,
        similar: Option<String>,
    },
    /// The header arrived several times, or as one value with several
    /// comma-separated copies: a proxy added or merged it.
    HeaderMerged { header: &'static str, copies: usize },
    /// The header's value has whitespace or a line break inside it: folded
    /// over several lines by a proxy (obsolete line folding).
    HeaderFolded { header: &'static str },
    /// `Peeker-Timestamp` is not Unix seconds (`what` says what it looks like).
    TimestampMalformed { what: &'static str },
    /// `Peeker-Timestamp` is in milliseconds, not seconds.
    TimestampInMilliseconds,
    /// `Peeker-Signature` has a `v1` entry that is not 64 hex digits.
    SignatureTruncated { hex_digits: usize },
    /// `Peeker-Signature` has no `v1=` entry.
    SignatureWithoutV1,
    /// Secret `index` (1-based) matches once the whitespace around it is
    /// removed (a newline from a file or an environment variable).
    SecretWhitespace { index: usize },
    /// Only secret `index` (1-based) of `count` signs this delivery: code
    /// that holds another of them alone refuses it.
    SecretNotFirst { index: usize, count: usize },
    /// None of the secrets signs the body, and no change undone makes one
    /// match: another endpoint's or mode's secret, or a body changed in a
    /// way that cannot be undone.
    SecretWrong { count: usize },
    /// The body is JSON written differently from Peeker's compact form
    /// (spaces, indentation, key order). `confirmed`: the compact form verifies.
    BodyReserialised { confirmed: bool },
    /// The body's bytes were changed on the way (`how`); `confirmed`: undoing
    /// it verifies.
    BodyReencoded { how: &'static str, confirmed: bool },
    /// The timestamp is `skew_secs` from now (`old`: in the past), over the
    /// tolerance. `signature_ok`: the signature itself matches.
    ClockSkew {
        skew_secs: u64,
        old: bool,
        tolerance_secs: u64,
        signature_ok: bool,
    },
    /// Authentic, but the body is not a Peeker event envelope.
    PayloadInvalid,
    /// Authentic, but `Peeker-Event-Id` differs from the body's `id`.
    EventIdMismatch,
}

/// What [`diagnose`] found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnosis {
    /// Whether the verifier accepts the delivery as received.
    pub verified: bool,
    /// The code of the check that failed ([`webhook::codes`]), if one did.
    pub failed_check: Option<&'static str>,
    /// The verifier's own message for it.
    pub message: Option<String>,
    /// The causes found, the most certain first; empty when all is well.
    pub causes: Vec<Cause>,
}

/// Diagnoses a delivery: `headers` as received (one pair per header line,
/// repeats kept), `body` its raw bytes, `secrets` every candidate secret.
pub fn diagnose(
    body: &[u8],
    headers: &[(&str, &str)],
    secrets: &[&[u8]],
    tolerance_secs: u64,
    now_unix_secs: i64,
) -> Diagnosis {
    let seen = WebhookHeaders::from_pairs(headers.iter().copied());
    let verdict = webhook::verify(body, &seen, secrets, tolerance_secs, now_unix_secs);
    let (verified, failed_check, message) = match &verdict {
        Ok(_) => (true, None, None),
        Err(e) => (false, Some(e.code), Some(e.message.clone())),
    };
    let causes = if secrets.is_empty() || secrets.iter().any(|s| s.is_empty()) {
        vec![Cause::SecretEmpty]
    } else {
        let delivery = Delivery {
            body,
            headers,
            secrets,
            tolerance_secs,
            now_unix_secs,
        };
        match verdict {
            Ok(_) => delivery.when_verified(),
            Err(e) => delivery.when_refused(&e),
        }
    };
    Diagnosis {
        verified,
        failed_check,
        message,
        causes,
    }
}

struct Delivery<'a> {
    body: &'a [u8],
    headers: &'a [(&'a str, &'a str)],
    secrets: &'a [&'a [u8]],
    tolerance_secs: u64,
    now_unix_secs: i64,
}

/// A change undone that made the signature match.
struct Repair {
    secret: usize,
    secret_trimmed: bool,
    body: Option<BodyFix>,
    folded: bool,
}

#[derive(Clone, Copy)]
enum BodyFix {
    Reserialised,
    Reencoded(&'static str),
}

impl<'a> Delivery<'a> {
    /// Accepted: only say which secret matched when it is not the first.
    fn when_verified(&self) -> Vec<Cause> {
        let (timestamp, signature) = (self.first(HEADER_TIMESTAMP), self.first(HEADER_SIGNATURE));
        match (timestamp, signature) {
            (Some(ts), Some(sig)) => {
                let matching = (0..self.secrets.len()).find(|&i| {
                    signs(
                        self.body,
                        ts.trim(),
                        sig,
                        self.secrets.get(i).copied().unwrap_or(b""),
                    )
                });
                match matching {
                    Some(i) if i > 0 => vec![Cause::SecretNotFirst {
                        index: i + 1,
                        count: self.secrets.len(),
                    }],
                    _ => Vec::new(),
                }
            }
            _ => Vec::new(),
        }
    }

    fn when_refused(&self, error: &WebhookError) -> Vec<Cause> {
        if error.code == codes::INVALID_PAYLOAD {
            return vec![Cause::PayloadInvalid];
        }
        if error.code == codes::EVENT_ID_MISMATCH {
            return vec![Cause::EventIdMismatch];
        }
        let mut causes = Vec::new();
        let (Some(raw_ts), Some(raw_sig)) = (
            self.present(HEADER_TIMESTAMP, &mut causes),
            self.present(HEADER_SIGNATURE, &mut causes),
        ) else {
            return causes;
        };
        for header in [HEADER_TIMESTAMP, HEADER_SIGNATURE] {
            let copies = self.copies(header);
            if copies > 1 && (header == HEADER_TIMESTAMP || error.field == Some(header)) {
                causes.push(Cause::HeaderMerged { header, copies });
            }
        }
        let Some((ts, signed_ts)) = self.timestamp(raw_ts, &mut causes) else {
            return causes;
        };
        let repair = self.repair(signed_ts, raw_sig);
        if repair.is_none() {
            self.signature_shape(raw_sig, &mut causes);
        }
        if let Some(r) = &repair {
            if r.folded {
                causes.push(Cause::HeaderFolded {
                    header: HEADER_SIGNATURE,
                });
            }
            if r.secret_trimmed {
                causes.push(Cause::SecretWhitespace {
                    index: r.secret + 1,
                });
            }
            match r.body {
                Some(BodyFix::Reserialised) => {
                    causes.push(Cause::BodyReserialised { confirmed: true })
                }
                Some(BodyFix::Reencoded(how)) => causes.push(Cause::BodyReencoded {
                    how,
                    confirmed: true,
                }),
                None => {}
            }
        }
        let skew = self.now_unix_secs.abs_diff(ts);
        if skew > self.tolerance_secs {
            causes.push(Cause::ClockSkew {
                skew_secs: skew,
                old: ts < self.now_unix_secs,
                tolerance_secs: self.tolerance_secs,
                signature_ok: repair.is_some(),
            });
        }
        if repair.is_none() && has_whole_v1(raw_sig) {
            self.unconfirmed_body_changes(&mut causes);
            causes.push(Cause::SecretWrong {
                count: self.secrets.len(),
            });
        }
        if let Some(r) = &repair {
            // Matched only with a later secret and nothing else changed: say so.
            if r.secret > 0 && !r.secret_trimmed && causes.is_empty() {
                causes.push(Cause::SecretNotFirst {
                    index: r.secret + 1,
                    count: self.secrets.len(),
                });
            }
        }
        causes
    }

    /// Values of `name`, one per header line, as received.
    fn values<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'a str> + 's {
        self.headers
            .iter()
            .filter(move |(n, _)| n.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }

    fn first(&self, name: &str) -> Option<&'a str> {
        self.values(name).next()
    }

    /// Header lines of `name`, plus the copies a proxy merged into one line.
    fn copies(&self, name: &str) -> usize {
        let lines = self.values(name).count();
        if name == HEADER_TIMESTAMP {
            self.values(name).map(|v| v.split(',').count()).sum()
        } else {
            lines
        }
    }

    /// The first value of `name`, or a `HeaderMissing` cause.
    fn present(&self, name: &'static str, causes: &mut Vec<Cause>) -> Option<&'a str> {
        let value = self.first(name);
        if value.is_none() {
            causes.push(Cause::HeaderMissing {
                header: name,
                similar: self.similar(name),
            });
        }
        value
    }

    /// A header that is `name` under another spelling (`X-` prefix, `_`).
    fn similar(&self, name: &str) -> Option<String> {
        let key = |s: &str| {
            s.to_ascii_lowercase()
                .replace(['_', '-', ' '], "")
                .trim_start_matches("x")
                .to_owned()
        };
        let wanted = key(name);
        self.headers
            .iter()
            .map(|(n, _)| n.trim())
            .find(|n| !n.eq_ignore_ascii_case(name) && key(n).ends_with(&wanted))
            .map(str::to_owned)
    }

    /// The timestamp as Unix seconds and as signed (the first copy), or the
    /// cause that stops the check.
    fn timestamp<'r>(&self, raw: &'r str, causes: &mut Vec<Cause>) -> Option<(i64, &'r str)> {
        let first = raw.split(',').next().unwrap_or("").trim();
        let digits =
            |s: &str| !s.is_empty() && s.len() <= 19 && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(first) {
            let what = if first.contains(['-', 'T', ':']) {
                "a date, not Unix seconds"
            } else if first.contains('.') {
                "a fraction; Unix seconds are a whole number"
            } else {
                "not a decimal integer"
            };
            causes.push(Cause::TimestampMalformed { what });
            return None;
        }
        if first != raw && self.copies(HEADER_TIMESTAMP) < 2 {
            causes.push(Cause::HeaderFolded {
                header: HEADER_TIMESTAMP,
            });
        }
        let ts: i64 = first.parse().ok()?;
        if first.len() >= 13 && self.now_unix_secs.abs_diff(ts / 1000) <= self.tolerance_secs {
            causes.push(Cause::TimestampInMilliseconds);
        }
        Some((ts, first))
    }

    /// Finds the change undone that makes the signature match at `ts`.
    fn repair(&self, ts: &str, raw_sig: &str) -> Option<Repair> {
        let unfolded: String = raw_sig.split_whitespace().collect();
        let signatures: Vec<(&str, bool)> = if unfolded == raw_sig.trim() {
            vec![(raw_sig, false)]
        } else {
            vec![(raw_sig, false), (unfolded.as_str(), true)]
        };
        let bodies = body_variants(self.body);
        for (sig, folded) in &signatures {
            for (body, fix) in &bodies {
                for (i, secret) in self.secrets.iter().enumerate() {
                    let trimmed = trim_ascii(secret);
                    let mut tries = vec![(*secret, false)];
                    if trimmed.len() != secret.len() && !trimmed.is_empty() {
                        tries.push((trimmed, true));
                    }
                    for (s, secret_trimmed) in tries {
                        if signs(body, ts, sig, s) {
                            return Some(Repair {
                                secret: i,
                                secret_trimmed,
                                body: *fix,
                                folded: *folded,
                            });
                        }
                    }
                }
            }
        }
        None
    }

    /// Causes in the signature header's shape when nothing matched.
    fn signature_shape(&self, raw_sig: &str, causes: &mut Vec<Cause>) {
        let entries: Vec<&str> = raw_sig.split(',').map(str::trim).collect();
        if !signature_has_v1(raw_sig) {
            causes.push(Cause::SignatureWithoutV1);
            return;
        }
        let short = entries
            .iter()
            .filter_map(|e| e.strip_prefix("v1="))
            .find(|hex| hex.len() != 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()));
        if let Some(hex) = short {
            causes.push(Cause::SignatureTruncated {
                hex_digits: hex.len(),
            });
        }
    }

    /// When no secret matches: body changes that are likely though not proven.
    fn unconfirmed_body_changes(&self, causes: &mut Vec<Cause>) {
        if let Ok(value) = serde_json::from_slice::<Value>(self.body) {
            let compact = serde_json::to_vec(&value).unwrap_or_default();
            if compact != self.body || keys_sorted_unlike_peeker(&value) {
                causes.push(Cause::BodyReserialised { confirmed: false });
            }
        }
        if self.body.windows(2).any(|w| w == b"\r\n") {
            causes.push(Cause::BodyReencoded {
                how: "line endings changed to CRLF",
                confirmed: false,
            });
        } else if std::str::from_utf8(self.body).is_err() {
            causes.push(Cause::BodyReencoded {
                how: "not UTF-8 (re-encoded to another charset)",
                confirmed: false,
            });
        }
    }
}

/// Whether `sig` holds a `v1` entry that signs `"{ts}.{body}"` under `secret`.
fn signs(body: &[u8], ts: &str, sig: &str, secret: &[u8]) -> bool {
    let Ok(at) = ts.parse::<i64>() else {
        return false;
    };
    let headers = WebhookHeaders {
        event_id: None,
        timestamp: Some(ts.to_owned()),
        signature: Some(sig.to_owned()),
    };
    webhook::verify_signature(body, &headers, &[secret], 0, at).is_ok()
}

fn signature_has_v1(sig: &str) -> bool {
    sig.split(',').any(|e| e.trim().starts_with("v1="))
}

/// Whether `sig` has a `v1` entry of 64 hex digits (one that can be checked).
fn has_whole_v1(sig: &str) -> bool {
    sig.split(',').any(|e| {
        e.trim()
            .strip_prefix("v1=")
            .is_some_and(|hex| hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
    })
}

fn trim_ascii(s: &[u8]) -> &[u8] {
    let start = s
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    s.get(start..end).unwrap_or_default()
}

/// The body as received, then as it may have been before each usual change.
fn body_variants(body: &[u8]) -> Vec<(Vec<u8>, Option<BodyFix>)> {
    let mut out: Vec<(Vec<u8>, Option<BodyFix>)> = vec![(body.to_vec(), None)];
    let mut add = |bytes: Vec<u8>, fix: BodyFix| {
        if !out.iter().any(|(b, _)| *b == bytes) {
            out.push((bytes, Some(fix)));
        }
    };
    if body.windows(2).any(|w| w == b"\r\n") {
        let lf = String::from_utf8_lossy(body)
            .replace("\r\n", "\n")
            .into_bytes();
        add(
            lf,
            BodyFix::Reencoded("line endings changed from LF to CRLF"),
        );
    }
    if let Some(rest) = body.strip_prefix(b"\xEF\xBB\xBF") {
        add(
            rest.to_vec(),
            BodyFix::Reencoded("a byte-order mark (BOM) was added"),
        );
    }
    let trimmed = trim_ascii(body);
    if trimmed.len() != body.len() {
        add(
            trimmed.to_vec(),
            BodyFix::Reencoded("whitespace or a newline was added around the body"),
        );
    }
    if let Ok(value) = serde_json::from_slice::<Value>(body) {
        if let Ok(compact) = serde_json::to_vec(&value) {
            add(compact, BodyFix::Reserialised);
        }
    }
    match std::str::from_utf8(body) {
        // Every byte read as Latin-1: the UTF-8 the body was before.
        Err(_) => add(
            body.iter()
                .map(|&b| char::from(b))
                .collect::<String>()
                .into_bytes(),
            BodyFix::Reencoded("re-encoded from UTF-8 to Latin-1"),
        ),
        // UTF-8 read as Latin-1 and written again as UTF-8 ("Ã©" for "é").
        Ok(text) if !text.is_ascii() => {
            if let Some(bytes) = text
                .chars()
                .map(|c| u8::try_from(u32::from(c)).ok())
                .collect::<Option<Vec<u8>>>()
            {
                add(
                    bytes,
                    BodyFix::Reencoded("UTF-8 read as Latin-1 and encoded again (mojibake)"),
                );
            }
        }
        Ok(_) => {}
    }
    out
}

/// Whether the envelope's keys are in alphabetical order (Peeker writes
/// `id, type, created_at, data`): a JSON library that sorts keys wrote it.
fn keys_sorted_unlike_peeker(value: &Value) -> bool {
    let Some(map) = value.as_object() else {
        return false;
    };
    let keys: Vec<&String> = map.keys().collect();
    keys.len() > 1
        && keys.windows(2).all(|w| w[0] <= w[1])
        && keys.first().map(|k| k.as_str()) != Some("id")
}
