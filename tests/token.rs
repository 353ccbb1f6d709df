//! Browser tokens (docs/contract.md#browser-tokens): minted and verified by the core, and
//! checked against JWTs built here independently (own base64url, raw HMAC),
//! as a partner's Python or Go backend would build them.

use hmac::{Hmac, KeyInit, Mac};
use peeker_partner::token::{self, has_scope, mint, verify, AccountScopes};
use serde_json::{json, Value};
use sha2::Sha256;

const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef-proxy";
const OTHER: &[u8] = b"fedcba9876543210fedcba9876543210-other";
const NOW: i64 = 1_767_225_600;

/// base64url without padding, written independently of the crate's.
fn b64(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = String::new();
    for &b in bytes {
        bits = bits << 8 | u32::from(b);
        n += 8;
        while n >= 6 {
            n -= 6;
            out.push(A[(bits >> n & 63) as usize] as char);
        }
    }
    if n > 0 {
        out.push(A[(bits << (6 - n) & 63) as usize] as char);
    }
    out
}

fn unb64(text: &str) -> Vec<u8> {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in text.bytes() {
        bits = bits << 6 | A.iter().position(|&x| x == c).unwrap() as u32;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}

/// A compact JWS over exactly these header and payload bytes.
fn jwt(secret: &[u8], header: &str, payload: &str) -> String {
    let input = format!("{}.{}", b64(header.as_bytes()), b64(payload.as_bytes()));
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap();
    mac.update(input.as_bytes());
    format!("{input}.{}", b64(&mac.finalize().into_bytes()))
}

const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

fn claims(iat: i64, exp: i64) -> String {
    json!({"aud": "peeker-proxy", "sub": "usr_01ABC", "scope": "orders.create events.read", "iat": iat, "exp": exp})
        .to_string()
}

fn reason(result: Result<serde_json::Map<String, Value>, peeker_partner::PeekerError>) -> String {
    let e = result.expect_err("refused");
    assert_eq!(e.code, "unauthorized", "{e:?}");
    e.details.unwrap()["reason"].as_str().unwrap().to_owned()
}

#[test]
fn an_independently_built_jwt_is_accepted_and_its_claims_returned() {
    let t = jwt(SECRET, HEADER, &claims(NOW, NOW + 600));
    let c = verify(&t, &[SECRET], NOW).unwrap();
    assert_eq!(c["sub"], "usr_01ABC");
    assert_eq!(c["scope"], "orders.create events.read");
    assert_eq!(c["exp"], NOW + 600);
    assert!(has_scope(&c, "orders.create"));
    assert!(has_scope(&c, "events.read"));
    assert!(!has_scope(&c, "orders.cancel"));
    assert!(!has_scope(&c, "orders"));
    // Same header with keys in another order and spaces (PyJWT sorts; others don't).
    let t = jwt(
        SECRET,
        r#"{ "typ": "JWT", "alg": "HS256" }"#,
        &claims(NOW, NOW + 600),
    );
    assert!(verify(&t, &[SECRET], NOW).is_ok());
    // Extra claims are kept as signed.
    let extra = json!({"aud": "peeker-proxy", "sub": "a@b.co", "scope": "", "iat": NOW, "exp": NOW + 5, "jti": "x"});
    let c = verify(&jwt(SECRET, HEADER, &extra.to_string()), &[SECRET], NOW).unwrap();
    assert_eq!(Value::Object(c), extra);
}

#[test]
fn the_rfc_7515_hs256_example_passes_the_signature_check() {
    // RFC 7515 A.1: a real HS256 JWS; its claims lack `aud`, so it is refused
    // *after* the signature matched.
    let key = unb64(
        "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow",
    );
    let t = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    assert_eq!(reason(verify(t, &[&key], NOW)), "audience");
    assert_eq!(reason(verify(t, &[SECRET], NOW)), "signature");
}

#[test]
fn minted_tokens_are_standard_jwts() {
    let t = mint(
        SECRET,
        &json!({"sub": "usr_01ABC", "scope": ["orders.create", "events.read"]}),
        NOW,
        AccountScopes::Refused,
    )
    .unwrap();
    let parts: Vec<&str> = t.split('.').collect();
    assert_eq!(parts.len(), 3);
    assert_eq!(unb64(parts[0]), HEADER.as_bytes());
    let payload: Value = serde_json::from_slice(&unb64(parts[1])).unwrap();
    assert_eq!(
        payload,
        json!({"aud": "peeker-proxy", "sub": "usr_01ABC", "scope": "orders.create events.read", "iat": NOW, "exp": NOW + 900})
    );
    // The signature is the plain HMAC of the first two parts.
    let again = jwt(
        SECRET,
        HEADER,
        std::str::from_utf8(&unb64(parts[1])).unwrap(),
    );
    assert_eq!(again, t);
    assert_eq!(
        verify(&t, &[OTHER, SECRET], NOW).unwrap()["sub"],
        "usr_01ABC"
    );
}

#[test]
fn mint_refuses_bad_claims_naming_the_field() {
    let field = |secret: &[u8], c: Value| {
        let e = mint(secret, &c, NOW, AccountScopes::Allowed).unwrap_err();
        (e.code, e.field.unwrap_or_default())
    };
    let ok = |extra: Value| {
        let mut c = json!({"sub": "usr_1", "scope": "orders.create"});
        c.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        c
    };
    let invalid = |f: &str| ("invalid_request".to_owned(), f.to_owned());
    assert_eq!(
        field(b"short", ok(json!({}))),
        ("invalid_secret".into(), "secret".into())
    );
    assert_eq!(field(SECRET, json!("usr_1")), invalid("claims"));
    assert_eq!(field(SECRET, json!({"scope": "me"})), invalid("sub"));
    assert_eq!(field(SECRET, ok(json!({"sub": "bob"}))), invalid("sub"));
    assert_eq!(field(SECRET, ok(json!({"sub": "usr_"}))), invalid("sub"));
    assert_eq!(field(SECRET, ok(json!({"sub": " a@b.co"}))), invalid("sub"));
    assert_eq!(field(SECRET, ok(json!({"scope": ""}))), invalid("scope"));
    assert_eq!(
        field(SECRET, ok(json!({"scope": "orders.nuke"}))),
        invalid("scope")
    );
    assert_eq!(field(SECRET, ok(json!({"scope": [1]}))), invalid("scope"));
    assert_eq!(field(SECRET, ok(json!({"aud": "other"}))), invalid("aud"));
    assert_eq!(
        field(SECRET, ok(json!({"exp": NOW + 3601}))),
        invalid("exp")
    );
    assert_eq!(field(SECRET, ok(json!({"exp": NOW}))), invalid("exp"));
    assert_eq!(field(SECRET, ok(json!({"iat": "now"}))), invalid("iat"));
    assert_eq!(field(SECRET, ok(json!({"exp": 1.5}))), invalid("exp"));
    // Exactly an hour is fine; an email subject too.
    assert!(mint(
        SECRET,
        &ok(json!({"exp": NOW + 3600, "sub": "a@b.co"})),
        NOW,
        AccountScopes::Refused
    )
    .is_ok());
    // No message echoes the secret.
    let e = mint(b"short-secret", &ok(json!({})), NOW, AccountScopes::Refused).unwrap_err();
    assert!(!e.message.contains("short-secret"));
}

#[test]
fn tampered_expired_foreign_and_unsigned_tokens_are_refused() {
    let good = jwt(SECRET, HEADER, &claims(NOW, NOW + 600));
    let (head, rest) = good.split_once('.').unwrap();
    let (body, sig) = rest.split_once('.').unwrap();

    // Tampered payload: a wider scope, same signature.
    let wider = claims(NOW, NOW + 600).replace("orders.create", "orders.cancel");
    let forged = format!("{head}.{}.{sig}", b64(wider.as_bytes()));
    assert_eq!(reason(verify(&forged, &[SECRET], NOW)), "signature");
    // Tampered signature; another secret.
    let mut bad_sig = unb64(sig);
    bad_sig[0] ^= 1;
    let t = format!("{head}.{body}.{}", b64(&bad_sig));
    assert_eq!(reason(verify(&t, &[SECRET], NOW)), "signature");
    assert_eq!(reason(verify(&good, &[OTHER], NOW)), "signature");

    // alg none (no signature, or any), another alg, extra header keys.
    let none = format!("{}.{body}.", b64(br#"{"alg":"none","typ":"JWT"}"#));
    assert_eq!(reason(verify(&none, &[SECRET], NOW)), "header");
    let none_sig = format!("{}.{body}.{sig}", b64(br#"{"alg":"none","typ":"JWT"}"#));
    assert_eq!(reason(verify(&none_sig, &[SECRET], NOW)), "header");
    for header in [
        r#"{"alg":"HS512","typ":"JWT"}"#,
        r#"{"alg":"hs256","typ":"JWT"}"#,
        r#"{"alg":"HS256"}"#,
        r#"{"alg":"HS256","typ":"JWT","kid":"1"}"#,
        r#"{"alg":"HS256","typ":"JWT","crit":["b64"],"b64":false}"#,
        r#"[]"#,
    ] {
        let t = jwt(SECRET, header, &claims(NOW, NOW + 600));
        assert_eq!(reason(verify(&t, &[SECRET], NOW)), "header", "{header}");
    }

    // Another audience, an array audience, missing claims.
    let other_aud = claims(NOW, NOW + 600).replace("peeker-proxy", "another-api");
    assert_eq!(
        reason(verify(&jwt(SECRET, HEADER, &other_aud), &[SECRET], NOW)),
        "audience"
    );
    let array_aud = claims(NOW, NOW + 600).replace("\"peeker-proxy\"", "[\"peeker-proxy\"]");
    assert_eq!(
        reason(verify(&jwt(SECRET, HEADER, &array_aud), &[SECRET], NOW)),
        "audience"
    );
    for payload in [
        json!({"aud": "peeker-proxy", "scope": "me", "iat": NOW, "exp": NOW + 5}),
        json!({"aud": "peeker-proxy", "sub": "", "scope": "me", "iat": NOW, "exp": NOW + 5}),
        json!({"aud": "peeker-proxy", "sub": "usr_1", "iat": NOW, "exp": NOW + 5}),
        json!({"aud": "peeker-proxy", "sub": "usr_1", "scope": ["me"], "iat": NOW, "exp": NOW + 5}),
        json!({"aud": "peeker-proxy", "sub": "usr_1", "scope": "me", "exp": NOW + 5}),
        json!({"aud": "peeker-proxy", "sub": "usr_1", "scope": "me", "iat": NOW}),
        json!({"aud": "peeker-proxy", "sub": "usr_1", "scope": "me", "iat": NOW, "exp": "later"}),
    ] {
        let t = jwt(SECRET, HEADER, &payload.to_string());
        assert_eq!(reason(verify(&t, &[SECRET], NOW)), "claims", "{payload}");
    }
    let t = jwt(SECRET, HEADER, "[1]");
    assert_eq!(reason(verify(&t, &[SECRET], NOW)), "claims");

    // Lifetime over an hour, even when signed.
    let t = jwt(SECRET, HEADER, &claims(NOW, NOW + 3601));
    assert_eq!(reason(verify(&t, &[SECRET], NOW)), "lifetime");
    let t = jwt(SECRET, HEADER, &claims(NOW, NOW));
    assert_eq!(reason(verify(&t, &[SECRET], NOW)), "lifetime");
    let t = jwt(SECRET, HEADER, &claims(NOW, NOW + 3600));
    assert!(verify(&t, &[SECRET], NOW).is_ok());

    // Expiry with 30 s of skew; issued in the future beyond the skew.
    let t = jwt(SECRET, HEADER, &claims(NOW, NOW + 600));
    assert!(verify(&t, &[SECRET], NOW + 629).is_ok());
    assert_eq!(reason(verify(&t, &[SECRET], NOW + 630)), "expired");
    assert!(verify(&t, &[SECRET], NOW - 30).is_ok());
    assert_eq!(reason(verify(&t, &[SECRET], NOW - 31)), "not_yet_valid");
}

#[test]
fn malformed_tokens_and_bad_secrets() {
    let good = jwt(SECRET, HEADER, &claims(NOW, NOW + 600));
    for t in [
        String::new(),
        "abc".into(),
        "a.b".into(),
        format!("{good}.x"),
        format!("{good}="),
        good.replace('.', ".."),
        format!("{} {}", &good[..5], &good[5..]),
        format!("Bearer {good}"),
        "a".repeat(9000),
        "é.é.é".into(),
    ] {
        assert_eq!(reason(verify(&t, &[SECRET], NOW)), "malformed", "{t:.40}");
    }
    let e = verify(&good, &[], NOW).unwrap_err();
    assert_eq!(e.code, token::INVALID_SECRET);
    let e = verify(&good, &[SECRET, b"short"], NOW).unwrap_err();
    assert_eq!(e.code, token::INVALID_SECRET);
    assert!(!format!("{e:?}{e}").contains("short"));
}
