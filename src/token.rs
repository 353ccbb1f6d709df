//! Browser tokens (docs/contract.md#browser-tokens): short-lived JWTs, HS256 in compact form,
//! that a partner's backend mints per signed-in customer and the Worker's
//! proxy checks before it spends the partner's API key.
//!
//! Standard JWTs, so any backend mints them with its usual library (PyJWT,
//! golang-jwt, jsonwebtoken): header exactly `{"alg":"HS256","typ":"JWT"}`,
//! claims `aud` = `"peeker-proxy"`, `sub`, `scope`, `iat`, `exp`. Time is an
//! argument (Unix seconds), never read here.

use crate::error::{codes, PeekerError};
use crate::hmac::{equal_in_constant_time, hmac_sha256};
use crate::json::object;
use crate::ownership::{is_account_scope, Customer};
use crate::request::Endpoint;
use serde_json::{Map, Value};

/// The only audience the proxy accepts.
pub const AUDIENCE: &str = "peeker-proxy";
/// The longest lifetime (`exp` − `iat`) a token may have.
pub const MAX_LIFETIME_SECS: i64 = 3600;
/// The lifetime `mint` gives when `exp` is not set.
pub const DEFAULT_LIFETIME_SECS: i64 = 900;
/// Clock difference accepted between the minting backend and the verifier.
pub const CLOCK_SKEW_SECS: i64 = 30;
/// Shortest secret accepted: HS256 wants at least the hash's 256 bits.
pub const MIN_SECRET_BYTES: usize = 32;
/// Scopes that name no endpoint: the Worker's own routes.
pub const EXTRA_SCOPES: &[&str] = &["events.read", "events.readAll", "forwarding.admin"];
/// Longer tokens are refused unread (a real one is a few hundred bytes).
const MAX_TOKEN_BYTES: usize = 8192;
/// The header every token carries, as every JWT library writes it.
const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;
/// Code of a token that is refused (answered 401 by the proxy).
pub const UNAUTHORIZED: &str = codes::UNAUTHORIZED;
/// Code of a secret list that cannot be used (a configuration error).
pub const INVALID_SECRET: &str = "invalid_secret";

/// Whether `name` is a scope a token may carry: an endpoint as the client
/// names it (`orders.create`) or one of [`EXTRA_SCOPES`].
pub fn known_scope(name: &str) -> bool {
    Endpoint::from_client_name(name).is_some() || EXTRA_SCOPES.contains(&name)
}

/// Whether the (verified) claims grant `name`.
pub fn has_scope(claims: &Map<String, Value>, name: &str) -> bool {
    claims
        .get("scope")
        .and_then(Value::as_str)
        .is_some_and(|s| s.split(' ').any(|n| n == name))
}

fn bad(field: &str, message: impl Into<String>) -> PeekerError {
    PeekerError::new(codes::INVALID_REQUEST, message).with_field(field)
}

fn check_secret(secret: &[u8], field: &str) -> Result<(), PeekerError> {
    if secret.len() < MIN_SECRET_BYTES {
        return Err(PeekerError::new(
            INVALID_SECRET,
            format!("each token secret must be at least {MIN_SECRET_BYTES} bytes (e.g. 32 random bytes, hex-encoded: `openssl rand -hex 32`)"),
        )
        .with_field(field));
    }
    Ok(())
}

/// A whole number of Unix seconds (a JSON integer within JS's safe range).
fn seconds(value: &Value) -> Option<i64> {
    let n = value.as_i64().or_else(|| {
        // 1.7e9 written as a float by some libraries: accept whole values.
        value
            .as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
            .map(|f| f as i64)
    })?;
    (0..=9_007_199_254_740_991).contains(&n).then_some(n)
}

/// Whether [`mint`] may grant account scopes (`me`, bundle writes,
/// `forwarding.admin`: they reach the whole account, not one customer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountScopes {
    /// A customer's token: an account scope is refused (`invalid_request` on `scope`).
    Refused,
    /// The minting backend asked for them explicitly.
    Allowed,
}

/// Signs `claims` with `secret`. `claims`: `sub` (a `usr_…` id or a
/// canonical email), `scope` (space-separated names, or an array of them),
/// optional `iat` (default `now`), `exp` (default `iat` + 900 s, at most
/// `iat` + 3600 s) and `aud` (only `"peeker-proxy"`); other claims are signed
/// as given. Account scopes need [`AccountScopes::Allowed`].
pub fn mint(
    secret: &[u8],
    claims: &Value,
    now: i64,
    account: AccountScopes,
) -> Result<String, PeekerError> {
    check_secret(secret, "secret")?;
    let Value::Object(given) = claims else {
        return Err(bad(
            "claims",
            "pass the claims as an object: {sub: \"usr_…\", scope: \"orders.create …\"}",
        ));
    };
    let mut out = given.clone();
    match given.get("aud") {
        None => {}
        Some(Value::String(a)) if a == AUDIENCE => {}
        Some(_) => {
            return Err(bad(
                "aud",
                format!("aud must be \"{AUDIENCE}\" (or left out)"),
            ))
        }
    }
    out.insert("aud".into(), AUDIENCE.into());
    let sub = given.get("sub").and_then(Value::as_str).unwrap_or("");
    if let Err(why) = Customer::from_sub(sub) {
        return Err(bad(
            "sub",
            format!("sub must be the customer: a usr_… id or an email address ({why})"),
        ));
    }
    let names: Vec<&str> = match given.get("scope") {
        Some(Value::String(s)) => s.split(' ').filter(|n| !n.is_empty()).collect(),
        Some(Value::Array(items)) => items.iter().map(|v| v.as_str().unwrap_or("")).collect(),
        _ => Vec::new(),
    };
    if names.is_empty() {
        return Err(bad(
            "scope",
            "scope must name what the token may call, e.g. \"domains.availability orders.create events.read\"",
        ));
    }
    if let Some(unknown) = names.iter().find(|n| !known_scope(n)) {
        return Err(bad(
            "scope",
            format!(
                "scope names an unknown endpoint ({}); use the client's method names, such as orders.create, or events.read",
                crate::validate::names::show(unknown)
            ),
        ));
    }
    if let (AccountScopes::Refused, Some(name)) =
        (account, names.iter().find(|n| is_account_scope(n)))
    {
        return Err(bad(
            "scope",
            format!(
                "{name} reaches the whole account, not one customer; grant it only on purpose (mintBrowserToken(secret, claims, {{ accountScopes: true }}))"
            ),
        ));
    }
    out.insert("scope".into(), names.join(" ").into());
    let iat = match given.get("iat") {
        None => now,
        Some(v) => {
            seconds(v).ok_or_else(|| bad("iat", "iat must be a whole number of Unix seconds"))?
        }
    };
    let exp = match given.get("exp") {
        None => iat + DEFAULT_LIFETIME_SECS,
        Some(v) => {
            seconds(v).ok_or_else(|| bad("exp", "exp must be a whole number of Unix seconds"))?
        }
    };
    if exp <= iat || exp - iat > MAX_LIFETIME_SECS {
        return Err(bad(
            "exp",
            format!("exp must be after iat and at most {MAX_LIFETIME_SECS} s after it"),
        ));
    }
    out.insert("iat".into(), iat.into());
    out.insert("exp".into(), exp.into());
    let payload = serde_json::to_vec(&Value::Object(out))
        .map_err(|_| PeekerError::new(codes::INTERNAL_ERROR, "could not encode the claims"))?;
    let signing_input = format!("{}.{}", b64_encode(HEADER.as_bytes()), b64_encode(&payload));
    let mac = hmac_sha256(secret, signing_input.as_bytes());
    Ok(format!("{signing_input}.{}", b64_encode(&mac)))
}

fn refused(reason: &str, message: &str) -> PeekerError {
    let mut e = PeekerError::new(UNAUTHORIZED, message);
    e.details = Some(object(vec![("reason", reason.into())]));
    e
}

/// Checks `token` against every secret (rotation) at `now` (Unix seconds)
/// and returns its claims as signed. Refusals are `unauthorized` with
/// `details.reason`: `malformed`, `header`, `signature`, `claims`,
/// `audience`, `lifetime`, `expired`, `not_yet_valid`.
pub fn verify(token: &str, secrets: &[&[u8]], now: i64) -> Result<Map<String, Value>, PeekerError> {
    if secrets.is_empty() {
        return Err(PeekerError::new(
            INVALID_SECRET,
            "pass the token secret (several during rotation)",
        )
        .with_field("secrets"));
    }
    for secret in secrets {
        check_secret(secret, "secrets")?;
    }
    let malformed = || {
        refused(
            "malformed",
            "the token is not a JWT (header.payload.signature, base64url)",
        )
    };
    if token.len() > MAX_TOKEN_BYTES {
        return Err(malformed());
    }
    let mut parts = token.split('.');
    let (Some(head), Some(body), Some(sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed());
    };
    let header = b64_decode(head).ok_or_else(malformed)?;
    let payload = b64_decode(body).ok_or_else(malformed)?;
    let signature = b64_decode(sig).ok_or_else(malformed)?;
    // JSON read from `str` (UTF-8 checked first), as everywhere else in the
    // crate.
    let header = String::from_utf8(header).map_err(|_| malformed())?;
    let header = crate::json::parse(&header).ok_or_else(malformed)?;
    let field = |key| header.get(key).and_then(Value::as_str);
    let exact = header.as_object().is_some_and(|h| h.len() == 2)
        && field("alg") == Some("HS256")
        && field("typ") == Some("JWT");
    if !exact {
        return Err(refused(
            "header",
            "the token's header must be exactly {\"alg\":\"HS256\",\"typ\":\"JWT\"}",
        ));
    }
    let signing_input = &token.as_bytes()[..head.len() + 1 + body.len()];
    // One HMAC in the crate: the webhook verifier's.
    let signed = <[u8; 32]>::try_from(signature.as_slice()).is_ok_and(|signature| {
        secrets
            .iter()
            .any(|secret| equal_in_constant_time(&hmac_sha256(secret, signing_input), &signature))
    });
    if !signed {
        return Err(refused(
            "signature",
            "the token's signature does not match (another secret, or altered)",
        ));
    }
    let claims = String::from_utf8(payload).ok();
    let Some(Value::Object(claims)) = claims.as_deref().and_then(crate::json::parse) else {
        return Err(refused(
            "claims",
            "the token's claims are not a JSON object",
        ));
    };
    if claims.get("aud").and_then(Value::as_str) != Some(AUDIENCE) {
        return Err(refused(
            "audience",
            "the token is not for the Peeker proxy (aud must be \"peeker-proxy\")",
        ));
    }
    let subject_ok = claims
        .get("sub")
        .and_then(Value::as_str)
        .is_some_and(|s| Customer::from_sub(s).is_ok());
    let scope_ok = claims.get("scope").is_some_and(Value::is_string);
    let (Some(iat), Some(exp), true, true) = (
        claims.get("iat").and_then(seconds),
        claims.get("exp").and_then(seconds),
        subject_ok,
        scope_ok,
    ) else {
        return Err(refused(
            "claims",
            "the token needs sub (a usr_ id or a canonical email), scope (a string), iat and exp (Unix seconds)",
        ));
    };
    if exp <= iat || exp - iat > MAX_LIFETIME_SECS {
        return Err(refused(
            "lifetime",
            "the token lives longer than an hour (exp − iat over 3600 s)",
        ));
    }
    if now >= exp.saturating_add(CLOCK_SKEW_SECS) {
        return Err(refused("expired", "the token has expired; get a fresh one"));
    }
    if iat > now.saturating_add(CLOCK_SKEW_SECS) {
        return Err(refused(
            "not_yet_valid",
            "the token was issued in the future; check the clocks",
        ));
    }
    Ok(claims)
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// base64url without padding (RFC 7515 §2).
fn b64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(B64[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// base64url without padding; None for any other character, padding, or a
/// length no encoder produces, or bits left over that are not zero.
fn b64_decode(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| B64.iter().position(|&x| x == c).map(|v| v as u32);
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.as_bytes().chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= value(c)? << (18 - 6 * i);
        }
        let bytes = chunk.len() - 1;
        // Bits past the last whole byte must be zero (one encoding per value).
        if n & ((1 << (24 - 8 * bytes)) - 1) != 0 {
            return None;
        }
        out.extend((0..bytes).map(|i| (n >> (16 - 8 * i)) as u8));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips_and_is_strict() {
        for len in 0..40 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let text = b64_encode(&bytes);
            assert!(!text.contains('='));
            assert_eq!(b64_decode(&text).unwrap(), bytes);
        }
        assert_eq!(b64_encode(b"\xfb\xff"), "-_8");
        assert_eq!(b64_decode("eyI"), Some(b"{\"".to_vec()));
        for bad in ["a", "ab=", "a+b/", "ab c", "aB", "eyJ"] {
            assert_eq!(b64_decode(bad), None, "{bad}");
        }
    }
}
