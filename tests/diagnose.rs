//! `diagnose` on a corpus of broken deliveries: each names its cause, and no
//! rendering of a diagnosis shows a secret or the signature.
#![cfg(feature = "webhooks")]

use peeker_partner::diagnose::{diagnose, Cause, Diagnosis};
use peeker_partner::webhook::{self, codes};

const SECRET: &str = "whsec_corpus_secret_0123456789";
const OTHER: &str = "whsec_someone_elses_secret_987";
const NOW: i64 = 1_760_000_000;
const TOLERANCE: u64 = 300;
/// Compact, as Peeker writes it; `é` for the charset cases.
const BODY: &str = r#"{"id":"evt_01","type":"order.completed","created_at":"2025-10-09T08:53:20Z","data":{"id":"ord_1","user":"René"}}"#;

/// A delivery as a test mutates it.
struct Capture {
    body: Vec<u8>,
    headers: Vec<(String, String)>,
    secrets: Vec<String>,
    now: i64,
}

impl Capture {
    /// `body` signed now with SECRET, with the three headers.
    fn signed(body: &[u8]) -> Capture {
        let ts = NOW.to_string();
        let sig = webhook::sign(SECRET.as_bytes(), &ts, body);
        Capture {
            body: body.to_vec(),
            headers: vec![
                ("Content-Type".into(), "application/json".into()),
                ("Peeker-Event-Id".into(), "evt_01".into()),
                ("Peeker-Timestamp".into(), ts),
                ("Peeker-Signature".into(), sig),
            ],
            secrets: vec![SECRET.into()],
            now: NOW,
        }
    }

    fn good() -> Capture {
        Capture::signed(BODY.as_bytes())
    }

    fn header(&self, name: &str) -> String {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    fn set(mut self, name: &str, value: &str) -> Capture {
        for (n, v) in &mut self.headers {
            if n == name {
                *v = value.to_owned();
            }
        }
        self
    }

    fn rename(mut self, name: &str, to: &str) -> Capture {
        for (n, _) in &mut self.headers {
            if n == name {
                *n = to.to_owned();
            }
        }
        self
    }

    fn run(&self) -> Diagnosis {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let secrets: Vec<&[u8]> = self.secrets.iter().map(|s| s.as_bytes()).collect();
        diagnose(&self.body, &headers, &secrets, TOLERANCE, self.now)
    }
}

/// Runs the capture, checks that `expected` is among the causes and that
/// nothing secret shows in any rendering; returns the diagnosis.
fn expect(capture: &Capture, expected: &Cause) -> Diagnosis {
    let d = capture.run();
    assert!(
        d.causes.contains(expected),
        "expected {expected:?}, got {:?}",
        d.causes
    );
    no_secret_in(&d, capture);
    d
}

fn no_secret_in(d: &Diagnosis, capture: &Capture) {
    let shown = [
        d.to_string(),
        format!("{d:?}"),
        serde_json::to_string(d).unwrap(),
    ];
    let signature = capture.header("Peeker-Signature");
    let hex = signature.trim_start_matches("v1=");
    for text in &shown {
        for secret in [SECRET, OTHER] {
            assert!(!text.contains(secret), "a secret in: {text}");
            assert!(!text.contains(&secret[6..]), "part of a secret in: {text}");
        }
        if hex.len() > 16 {
            assert!(!text.contains(&hex[..16]), "the signature in: {text}");
        }
    }
}

#[test]
fn a_good_delivery_verifies_with_no_cause() {
    let c = Capture::good();
    let d = c.run();
    assert!(d.verified);
    assert_eq!((d.failed_check, d.causes.len()), (None, 0));
    assert_eq!(d.to_string(), "verified\n");
}

#[test]
fn a_pretty_printed_body_is_re_serialised() {
    let mut c = Capture::good();
    let value: serde_json::Value = serde_json::from_str(BODY).unwrap();
    c.body = serde_json::to_vec_pretty(&value).unwrap();
    let d = expect(&c, &Cause::BodyReserialised { confirmed: true });
    assert_eq!(d.failed_check, Some(codes::SIGNATURE_MISMATCH));
    assert!(d.to_string().contains("re-serialised"));
}

#[test]
fn sorted_keys_are_likely_re_serialisation() {
    let mut c = Capture::good();
    c.body = br#"{"created_at":"2025-10-09T08:53:20Z","data":{"id":"ord_1","user":"Ren\u00e9"},"id":"evt_01","type":"order.completed"}"#.to_vec();
    expect(&c, &Cause::BodyReserialised { confirmed: false });
}

#[test]
fn crlf_line_endings_are_a_re_encoding() {
    let body = BODY.replace(",\"data\"", ",\n\"data\"");
    let mut c = Capture::signed(body.as_bytes());
    c.body = body.replace('\n', "\r\n").into_bytes();
    expect(
        &c,
        &Cause::BodyReencoded {
            how: "line endings changed from LF to CRLF",
            confirmed: true,
        },
    );
}

#[test]
fn latin_1_and_mojibake_are_re_encodings() {
    let mut latin = Capture::good();
    latin.body = BODY.chars().map(|c| c as u32 as u8).collect();
    expect(
        &latin,
        &Cause::BodyReencoded {
            how: "re-encoded from UTF-8 to Latin-1",
            confirmed: true,
        },
    );
    let mut mojibake = Capture::good();
    mojibake.body = BODY
        .bytes()
        .map(char::from)
        .collect::<String>()
        .into_bytes();
    expect(
        &mojibake,
        &Cause::BodyReencoded {
            how: "UTF-8 read as Latin-1 and encoded again (mojibake)",
            confirmed: true,
        },
    );
}

#[test]
fn a_trailing_newline_is_named() {
    let mut c = Capture::good();
    c.body.push(b'\n');
    expect(
        &c,
        &Cause::BodyReencoded {
            how: "whitespace or a newline was added around the body",
            confirmed: true,
        },
    );
}

#[test]
fn a_secret_with_whitespace_verifies_trimmed() {
    let mut c = Capture::good();
    c.secrets = vec![format!("{SECRET}\n")];
    expect(&c, &Cause::SecretWhitespace { index: 1 });
}

#[test]
fn the_wrong_one_of_several_secrets() {
    let mut c = Capture::good();
    c.secrets = vec![OTHER.into(), SECRET.into()];
    let d = expect(&c, &Cause::SecretNotFirst { index: 2, count: 2 });
    assert!(d.verified, "rotation: any secret verifies");
    c.secrets = vec![OTHER.into(), format!("{OTHER}x")];
    let d = expect(&c, &Cause::SecretWrong { count: 2 });
    assert!(!d.verified);
}

#[test]
fn a_clock_off_says_by_how_much() {
    let mut c = Capture::good();
    c.now = NOW + 1000;
    let d = expect(
        &c,
        &Cause::ClockSkew {
            skew_secs: 1000,
            old: true,
            tolerance_secs: TOLERANCE,
            signature_ok: true,
        },
    );
    assert_eq!(d.failed_check, Some(codes::TIMESTAMP_OUT_OF_RANGE));
    assert!(d.to_string().contains("1000 s in the past"));
    c.now = NOW - 400;
    c.secrets = vec![OTHER.into()];
    expect(
        &c,
        &Cause::ClockSkew {
            skew_secs: 400,
            old: false,
            tolerance_secs: TOLERANCE,
            signature_ok: false,
        },
    );
}

#[test]
fn missing_headers_and_renamed_ones() {
    let mut c = Capture::good();
    c.headers.retain(|(n, _)| n != "Peeker-Signature");
    expect(
        &c,
        &Cause::HeaderMissing {
            header: "Peeker-Signature",
            similar: None,
        },
    );
    let c = Capture::good().rename("Peeker-Timestamp", "X-Peeker-Timestamp");
    expect(
        &c,
        &Cause::HeaderMissing {
            header: "Peeker-Timestamp",
            similar: Some("X-Peeker-Timestamp".into()),
        },
    );
    let c = Capture::good().rename("Peeker-Signature", "peeker_signature");
    let d = expect(
        &c,
        &Cause::HeaderMissing {
            header: "Peeker-Signature",
            similar: Some("peeker_signature".into()),
        },
    );
    assert_eq!(d.failed_check, Some(codes::MISSING_HEADER));
}

#[test]
fn a_folded_signature_header() {
    let c = Capture::good();
    let sig = c.header("Peeker-Signature");
    let folded = format!("{} {}", &sig[..40], &sig[40..]);
    let c = c.set("Peeker-Signature", &folded);
    let d = expect(
        &c,
        &Cause::HeaderFolded {
            header: "Peeker-Signature",
        },
    );
    assert_eq!(d.failed_check, Some(codes::INVALID_HEADER));
}

#[test]
fn a_timestamp_repeated_or_merged_by_a_proxy() {
    let mut c = Capture::good();
    c.headers.push(("Peeker-Timestamp".into(), NOW.to_string()));
    expect(
        &c,
        &Cause::HeaderMerged {
            header: "Peeker-Timestamp",
            copies: 2,
        },
    );
    let c = Capture::good().set("Peeker-Timestamp", &format!("{NOW}, {NOW}"));
    let d = expect(
        &c,
        &Cause::HeaderMerged {
            header: "Peeker-Timestamp",
            copies: 2,
        },
    );
    assert_eq!(d.failed_check, Some(codes::INVALID_HEADER));
}

#[test]
fn a_truncated_signature_and_one_without_v1() {
    let c = Capture::good();
    let sig = c.header("Peeker-Signature");
    let c = c.set("Peeker-Signature", &sig[..50]);
    let d = expect(&c, &Cause::SignatureTruncated { hex_digits: 47 });
    assert!(!d.causes.iter().any(|c| c.code() == "secret_wrong"));
    let c = Capture::good().set("Peeker-Signature", "v2=abc");
    expect(&c, &Cause::SignatureWithoutV1);
}

#[test]
fn timestamps_that_are_not_unix_seconds() {
    let c = Capture::good().set("Peeker-Timestamp", "2025-10-09T08:53:20Z");
    expect(
        &c,
        &Cause::TimestampMalformed {
            what: "a date, not Unix seconds",
        },
    );
    let c = Capture::good().set("Peeker-Timestamp", &format!("{NOW}000"));
    expect(&c, &Cause::TimestampInMilliseconds);
}

#[test]
fn authentic_but_not_an_event_or_another_events_id() {
    let c = Capture::good().set("Peeker-Event-Id", "evt_other");
    let d = expect(&c, &Cause::EventIdMismatch);
    assert_eq!(d.failed_check, Some(codes::EVENT_ID_MISMATCH));
    let c = Capture::signed(br#"{"hello":"world"}"#);
    expect(&c, &Cause::PayloadInvalid);
}

#[test]
fn an_empty_secret() {
    let mut c = Capture::good();
    c.secrets = vec![String::new()];
    let d = expect(&c, &Cause::SecretEmpty);
    assert_eq!(d.failed_check, Some(codes::INVALID_SECRET));
}

#[test]
fn every_cause_renders_in_words() {
    // Each cause's text is a sentence of its own, and its code is stable.
    let d = Capture {
        secrets: vec![OTHER.into()],
        ..Capture::good()
    }
    .run();
    let text = d.to_string();
    assert!(text.starts_with("refused: signature_mismatch: "), "{text}");
    assert!(
        text.contains("- the secret does not sign this body"),
        "{text}"
    );
    assert_eq!(
        serde_json::to_value(&d.causes[0]).unwrap()["cause"],
        "secret_wrong"
    );
}
