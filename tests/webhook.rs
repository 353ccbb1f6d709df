//! The webhook scenario set (standard-webhooks / svix style).

use peeker_partner::hmac::hmac_sha256;
use peeker_partner::webhook::{
    codes, parse_event, sign, verify, verify_signature, WebhookError, WebhookHeaders,
    DEFAULT_TOLERANCE_SECS, HEADER_EVENT_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP,
};
use peeker_partner::PeekerError;
use proptest::prelude::*;

const SECRET: &[u8] = b"whsec_partner_secret_2026";
const OLD_SECRET: &[u8] = b"whsec_partner_secret_2025";
const NOW: i64 = 1_778_241_600;
const TS: &str = "1778241600";
const BODY: &str = r#"{"id":"evt_01HZX0EV1A2B3C4D5E6F7G8H","type":"order.in_progress","created_at":"2026-05-08T12:00:00Z","data":{"id":"ord_01HZX0OR1A2B3C4D5E6F7G8H","status":"in_progress"}}"#;
const EVENT_ID: &str = "evt_01HZX0EV1A2B3C4D5E6F7G8H";

fn headers(event_id: Option<&str>, ts: Option<&str>, sig: Option<&str>) -> WebhookHeaders {
    WebhookHeaders {
        event_id: event_id.map(str::to_owned),
        timestamp: ts.map(str::to_owned),
        signature: sig.map(str::to_owned),
    }
}

fn signed(body: &str, ts: &str) -> WebhookHeaders {
    headers(
        Some(EVENT_ID),
        Some(ts),
        Some(&sign(SECRET, ts, body.as_bytes())),
    )
}

fn check(
    body: &str,
    h: &WebhookHeaders,
) -> Result<peeker_partner::model::event::Event, WebhookError> {
    verify(body.as_bytes(), h, &[SECRET], DEFAULT_TOLERANCE_SECS, NOW)
}

fn code(r: Result<impl Sized, WebhookError>) -> &'static str {
    match r {
        Ok(_) => "ok",
        Err(e) => e.code,
    }
}

#[test]
fn sign_is_v1_lower_hex_over_timestamp_dot_body() {
    let sig = sign(SECRET, TS, BODY.as_bytes());
    let content = format!("{TS}.{BODY}");
    let want: String = hmac_sha256(SECRET, content.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(sig, format!("v1={want}"));
}

// ---------------------------------------------------------------- happy path

#[test]
fn valid_delivery_gives_the_event() {
    let ev = check(BODY, &signed(BODY, TS)).expect("valid");
    assert_eq!(ev.id, EVENT_ID);
    assert_eq!(ev.event_type.as_str(), "order.in_progress");
    assert_eq!(ev.data["status"], "in_progress");
}

#[test]
fn event_id_header_is_optional() {
    let h = headers(None, Some(TS), Some(&sign(SECRET, TS, BODY.as_bytes())));
    assert_eq!(code(check(BODY, &h)), "ok");
}

#[test]
fn from_pairs_headers_verify() {
    let sig = sign(SECRET, TS, BODY.as_bytes());
    let h = WebhookHeaders::from_pairs([
        ("content-type", "application/json"),
        ("peeker-event-id", EVENT_ID),
        ("peeker-timestamp", TS),
        ("PEEKER-SIGNATURE", sig.as_str()),
    ]);
    assert_eq!(code(check(BODY, &h)), "ok");
}

// ---------------------------------------------------------------- headers

#[test]
fn missing_headers() {
    let sig = sign(SECRET, TS, BODY.as_bytes());
    let e = check(BODY, &headers(Some(EVENT_ID), None, Some(&sig))).unwrap_err();
    assert_eq!(
        (e.code, e.field),
        (codes::MISSING_HEADER, Some(HEADER_TIMESTAMP))
    );
    let e = check(BODY, &headers(Some(EVENT_ID), Some(TS), None)).unwrap_err();
    assert_eq!(
        (e.code, e.field),
        (codes::MISSING_HEADER, Some(HEADER_SIGNATURE))
    );
    let e = check(BODY, &headers(None, None, None)).unwrap_err();
    assert_eq!(e.code, codes::MISSING_HEADER);
}

#[test]
fn bad_timestamps_are_invalid_header() {
    let long = "1".repeat(400);
    for ts in [
        "abc",
        "-1",
        "1.5",
        "",
        "+1778241600",
        " 1778241600",
        "1778241600 ",
        "0x10",
        &long,
    ] {
        let e = check(BODY, &signed(BODY, ts)).unwrap_err();
        assert_eq!(
            (e.code, e.field),
            (codes::INVALID_HEADER, Some(HEADER_TIMESTAMP)),
            "{ts:?}"
        );
    }
}

#[test]
fn tolerance_is_inclusive_both_ways() {
    let tol = DEFAULT_TOLERANCE_SECS as i64;
    for (offset, want) in [
        (0, "ok"),
        (tol, "ok"),
        (-tol, "ok"),
        (tol + 1, codes::TIMESTAMP_OUT_OF_RANGE),
        (-tol - 1, codes::TIMESTAMP_OUT_OF_RANGE),
    ] {
        let ts = (NOW + offset).to_string();
        assert_eq!(
            code(check(BODY, &signed(BODY, &ts))),
            want,
            "offset {offset}"
        );
    }
    // Custom tolerance, including zero.
    let h = signed(BODY, TS);
    assert_eq!(code(verify(BODY.as_bytes(), &h, &[SECRET], 0, NOW)), "ok");
    assert_eq!(
        code(verify(BODY.as_bytes(), &h, &[SECRET], 0, NOW + 1)),
        codes::TIMESTAMP_OUT_OF_RANGE
    );
    // Extreme clocks do not overflow.
    assert_eq!(
        code(verify(BODY.as_bytes(), &h, &[SECRET], u64::MAX, i64::MIN)),
        "ok"
    );
    assert_eq!(
        code(verify(BODY.as_bytes(), &h, &[SECRET], 300, i64::MIN)),
        codes::TIMESTAMP_OUT_OF_RANGE
    );
}

// ---------------------------------------------------------------- signature header

fn with_sig(sig: &str) -> WebhookHeaders {
    headers(Some(EVENT_ID), Some(TS), Some(sig))
}

#[test]
fn empty_v1_value_is_invalid_header() {
    let e = check(BODY, &with_sig("v1=")).unwrap_err();
    assert_eq!(
        (e.code, e.field),
        (codes::INVALID_HEADER, Some(HEADER_SIGNATURE))
    );
    assert_eq!(code(check(BODY, &with_sig(""))), codes::SIGNATURE_MISMATCH);
    assert_eq!(code(check(BODY, &with_sig("v1"))), codes::INVALID_HEADER);
    assert_eq!(
        code(check(BODY, &with_sig("garbage"))),
        codes::INVALID_HEADER
    );
}

#[test]
fn truncated_v1_is_invalid_header() {
    let good = sign(SECRET, TS, BODY.as_bytes());
    let short = &good[..good.len() - 1];
    assert_eq!(code(check(BODY, &with_sig(short))), codes::INVALID_HEADER);
    let long = format!("{good}0");
    assert_eq!(code(check(BODY, &with_sig(&long))), codes::INVALID_HEADER);
}

#[test]
fn only_other_versions_is_signature_mismatch() {
    let good = sign(SECRET, TS, BODY.as_bytes());
    let v2 = good.replacen("v1=", "v2=", 1);
    let e = check(BODY, &with_sig(&v2)).unwrap_err();
    assert_eq!(
        (e.code, e.field),
        (codes::SIGNATURE_MISMATCH, Some(HEADER_SIGNATURE))
    );
    assert!(e.message.contains("no `v1=` entry"), "{}", e.message);
    // Other versions next to a valid v1 are ignored.
    assert_eq!(
        code(check(BODY, &with_sig(&format!("v2=zzz,{good},v0=")))),
        "ok"
    );
}

#[test]
fn one_valid_among_several_suffices() {
    let good = sign(SECRET, TS, BODY.as_bytes());
    let bad1 = sign(b"other", TS, BODY.as_bytes());
    let bad2 = sign(SECRET, "1", BODY.as_bytes());
    for sig in [
        format!("{good},{bad1},{bad2}"),
        format!("{bad1},{good},{bad2}"),
        format!("{bad1},{bad2},{good}"),
    ] {
        assert_eq!(code(check(BODY, &with_sig(&sig))), "ok", "{sig}");
    }
    let e = check(BODY, &with_sig(&format!("{bad1},{bad2}"))).unwrap_err();
    assert_eq!(e.code, codes::SIGNATURE_MISMATCH);
    // A malformed entry does not hide a valid one.
    assert_eq!(
        code(check(BODY, &with_sig(&format!("v1=abc,{good}")))),
        "ok"
    );
}

#[test]
fn whitespace_around_entries_is_allowed() {
    let good = sign(SECRET, TS, BODY.as_bytes());
    let bad = sign(b"other", TS, BODY.as_bytes());
    for sig in [
        format!("  {good}  "),
        format!("{bad} ,\t{good}\t"),
        format!("{bad}, {good}"),
        format!("{good},"),
    ] {
        assert_eq!(code(check(BODY, &with_sig(&sig))), "ok", "{sig:?}");
    }
}

#[test]
fn upper_case_hex_is_accepted() {
    // Decision: the hex digest is case-insensitive; it decodes to the same MAC.
    let good = sign(SECRET, TS, BODY.as_bytes());
    let upper = format!("v1={}", good.trim_start_matches("v1=").to_uppercase());
    assert_eq!(code(check(BODY, &with_sig(&upper))), "ok");
    // The version tag itself is case-sensitive.
    let v1_upper = good.replacen("v1=", "V1=", 1);
    assert_eq!(
        code(check(BODY, &with_sig(&v1_upper))),
        codes::SIGNATURE_MISMATCH
    );
}

// ---------------------------------------------------------------- secrets

#[test]
fn rotation_accepts_old_and_new_secrets() {
    let new_sig = sign(SECRET, TS, BODY.as_bytes());
    let old_sig = sign(OLD_SECRET, TS, BODY.as_bytes());
    let both = [SECRET, OLD_SECRET];
    for sig in [&new_sig, &old_sig, &format!("{new_sig},{old_sig}")] {
        let h = with_sig(sig);
        assert_eq!(code(verify(BODY.as_bytes(), &h, &both, 300, NOW)), "ok");
    }
    // Each secret alone verifies its own signature and only that.
    let h_new = with_sig(&new_sig);
    let h_old = with_sig(&old_sig);
    assert_eq!(
        code(verify(BODY.as_bytes(), &h_new, &[SECRET], 300, NOW)),
        "ok"
    );
    assert_eq!(
        code(verify(BODY.as_bytes(), &h_old, &[OLD_SECRET], 300, NOW)),
        "ok"
    );
    assert_eq!(
        code(verify(BODY.as_bytes(), &h_old, &[SECRET], 300, NOW)),
        codes::SIGNATURE_MISMATCH
    );
    assert_eq!(
        code(verify(BODY.as_bytes(), &h_new, &[OLD_SECRET], 300, NOW)),
        codes::SIGNATURE_MISMATCH
    );
}

#[test]
fn empty_or_no_secret_is_invalid_secret() {
    let h = signed(BODY, TS);
    for secrets in [&[][..], &[&b""[..]][..], &[SECRET, b""][..]] {
        let e = verify(BODY.as_bytes(), &h, secrets, 300, NOW).unwrap_err();
        assert_eq!((e.code, e.field), (codes::INVALID_SECRET, None));
    }
    // Reported before anything about the request.
    let e = verify(b"", &WebhookHeaders::default(), &[], 300, NOW).unwrap_err();
    assert_eq!(e.code, codes::INVALID_SECRET);
}

// ---------------------------------------------------------------- body

#[test]
fn reserialised_body_fails() {
    let h = signed(BODY, TS);
    let value: serde_json::Value = serde_json::from_str(BODY).expect("json");
    let pretty = serde_json::to_string_pretty(&value).expect("json");
    assert_eq!(code(check(&pretty, &h)), codes::SIGNATURE_MISMATCH);
    assert_eq!(
        code(check(&format!("{BODY}\n"), &h)),
        codes::SIGNATURE_MISMATCH
    );
    assert_eq!(
        code(check(&format!(" {BODY}"), &h)),
        codes::SIGNATURE_MISMATCH
    );
}

#[test]
fn utf8_payloads_pass() {
    let body = r#"{"id":"evt_01HZX0EV1A2B3C4D5E6F7G8H","type":"order.action_required","created_at":"2026-05-08T12:00:00Z","data":{"note":"🚀 ready","name":"山田太郎","city":"Zürich"}}"#;
    let ev = check(body, &signed(body, TS)).expect("valid");
    assert_eq!(ev.data["note"], "🚀 ready");
    assert_eq!(ev.data["name"], "山田太郎");
}

#[test]
fn event_id_mismatch() {
    let mut h = signed(BODY, TS);
    h.event_id = Some("evt_SOMETHING_ELSE".into());
    let e = check(BODY, &h).unwrap_err();
    assert_eq!(
        (e.code, e.field),
        (codes::EVENT_ID_MISMATCH, Some(HEADER_EVENT_ID))
    );
}

#[test]
fn non_json_body_with_valid_signature_is_invalid_payload() {
    for body in [
        "not json",
        "",
        "[]",
        r#"{"id":"evt_1"}"#,
        r#"{"id":1,"type":"x","created_at":"","data":{}}"#,
    ] {
        let e = check(body, &signed(body, TS)).unwrap_err();
        assert_eq!(e.code, codes::INVALID_PAYLOAD, "{body:?}");
    }
}

#[test]
fn signature_is_checked_before_the_body_is_parsed() {
    // A bad signature on a non-JSON body is a signature error, not a payload one.
    let h = signed(BODY, TS);
    assert_eq!(code(check("not json", &h)), codes::SIGNATURE_MISMATCH);
    assert_eq!(
        code(verify_signature(b"not json", &h, &[SECRET], 300, NOW)),
        codes::SIGNATURE_MISMATCH
    );
    // parse_event alone does no crypto.
    assert_eq!(
        code(parse_event(BODY.as_bytes(), &WebhookHeaders::default())),
        "ok"
    );
}

#[test]
fn unknown_event_type_passes_and_is_kept() {
    let body = r#"{"id":"evt_01HZX0EV1A2B3C4D5E6F7G8H","type":"mailbox.warmed_up","created_at":"2026-05-08T12:00:00Z","data":{"x":1},"api_version":"2026-05"}"#;
    let ev = check(body, &signed(body, TS)).expect("valid");
    assert_eq!(ev.event_type.as_str(), "mailbox.warmed_up");
    let back = serde_json::to_value(&ev).expect("json");
    assert_eq!(back["type"], "mailbox.warmed_up");
    assert_eq!(back["api_version"], "2026-05");
}

// ---------------------------------------------------------------- no leaks

#[test]
fn errors_never_contain_secrets_or_signatures() {
    let good = sign(SECRET, TS, BODY.as_bytes());
    let hex = good.trim_start_matches("v1=");
    let secret = std::str::from_utf8(SECRET).expect("utf8");
    let tampered = format!("{BODY} ");
    let attempts = [
        check(&tampered, &with_sig(&good)),
        check(BODY, &with_sig(&good[..40])),
        check(BODY, &with_sig(&good.replacen("v1", "v9", 1))),
        check(BODY, &headers(Some("evt_x"), Some(TS), Some(&good))),
    ];
    for r in attempts {
        let e = r.unwrap_err();
        let pe: PeekerError = e.clone().into();
        assert_eq!(pe.code, e.code);
        for text in [
            format!("{e:?}"),
            e.to_string(),
            format!("{pe:?}"),
            pe.to_string(),
        ] {
            assert!(!text.contains(secret), "{text}");
            assert!(!text.contains(&hex[..16]), "{text}");
        }
        assert!(!e.message.is_empty());
    }
}

// ---------------------------------------------------------------- properties

proptest! {
    #[test]
    fn sign_then_verify_passes(body in proptest::collection::vec(any::<u8>(), 0..512),
                               ts in 0i64..4_000_000_000,
                               secret in proptest::collection::vec(any::<u8>(), 1..80)) {
        let ts_s = ts.to_string();
        let h = headers(None, Some(&ts_s), Some(&sign(&secret, &ts_s, &body)));
        prop_assert!(verify_signature(&body, &h, &[&secret], 0, ts).is_ok());
    }

    #[test]
    fn any_changed_body_byte_fails(body in proptest::collection::vec(any::<u8>(), 1..512),
                                   idx in any::<prop::sample::Index>(),
                                   flip in 1u8..=255,
                                   ts in 0i64..4_000_000_000) {
        let ts_s = ts.to_string();
        let h = headers(None, Some(&ts_s), Some(&sign(SECRET, &ts_s, &body)));
        let mut changed = body.clone();
        if let Some(b) = changed.get_mut(idx.index(body.len())) {
            *b ^= flip;
        }
        let e = verify_signature(&changed, &h, &[SECRET], 300, ts).unwrap_err();
        prop_assert_eq!(e.code, codes::SIGNATURE_MISMATCH);
    }

    #[test]
    fn any_changed_timestamp_byte_fails(body in proptest::collection::vec(any::<u8>(), 0..256),
                                        ts in 0i64..4_000_000_000,
                                        idx in any::<prop::sample::Index>(),
                                        flip in 1u8..=255) {
        let ts_s = ts.to_string();
        let sig = sign(SECRET, &ts_s, &body);
        let mut bytes = ts_s.clone().into_bytes();
        if let Some(b) = bytes.get_mut(idx.index(ts_s.len())) {
            *b ^= flip;
        }
        let changed = String::from_utf8_lossy(&bytes).into_owned();
        let h = headers(None, Some(&changed), Some(&sig));
        // Whatever the new string parses to, it must not verify.
        prop_assert!(verify_signature(&body, &h, &[SECRET], u64::MAX, ts).is_err());
    }
}

/// The envelope vectors the JS verifier is held to as well
/// (tests/js/envelopes.test.mjs): the two checks agree.
#[test]
fn shared_envelope_vectors() {
    let text = include_str!("resources/webhook_envelopes.json");
    let file: serde_json::Value = serde_json::from_str(text).unwrap();
    let vectors = file["vectors"].as_array().unwrap();
    assert!(vectors.len() >= 10);
    for v in vectors {
        let body = v["body"].as_str().unwrap();
        let got = parse_event(body.as_bytes(), &WebhookHeaders::default());
        match v["ok"].as_bool().unwrap() {
            true => assert!(got.is_ok(), "{}: {got:?}", v["name"]),
            false => assert_eq!(
                got.map(|_| ()).unwrap_err().code,
                codes::INVALID_PAYLOAD,
                "{}",
                v["name"]
            ),
        }
    }
}
