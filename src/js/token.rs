//! Browser tokens, the route match and the error envelope, for JS: what the
//! Worker's proxy (and a partner's backend) needs to decide who may spend
//! the key on which endpoint. Every decision is the core's ([`crate::token`],
//! [`crate::route`], [`crate::error::envelope`]).

use super::{from_js, js_error, to_js, ErrorKind};
use crate::error::{codes, envelope, PeekerError, Problem};
use crate::json::take;
use crate::{route, token};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS: &str = r#"
/** The claims of a browser token. */
export interface BrowserTokenClaims {
  /** Always `"peeker-proxy"`. */
  aud: "peeker-proxy";
  /** The customer: a `usr_…` id or an email. */
  sub: string;
  /** Space-separated names of what the token may call, as the client names them: `"orders.create events.read"`. */
  scope: string;
  /** Issued at, Unix seconds. */
  iat: number;
  /** Expires at, Unix seconds; at most 3600 s after `iat`. */
  exp: number;
  [claim: string]: unknown;
}

/** What `mintBrowserToken` signs; `aud`, `iat` and `exp` are filled in when left out. */
export interface MintBrowserTokenClaims {
  /** The customer: a `usr_…` id or an email (its domain lower-case, as an A-label). Emails compare with ASCII case folding only. */
  sub: string;
  /** Endpoint names (`orders.create`, `domains.availability`) and `events.read`; a string (space-separated) or an array. */
  scope: string | string[];
  /** Default: now. */
  iat?: number;
  /** Default: `iat` + 900 s; at most `iat` + 3600 s. */
  exp?: number;
  aud?: "peeker-proxy";
  [claim: string]: unknown;
}

/**
 * A browser token: an HS256 JWT (compact form) for the Worker's `/api` proxy
 * and `/events`, minted by the partner's backend for one signed-in customer.
 * `secret` is `PROXY_TOKEN_SECRET` (at least 32 bytes). The token reaches
 * only that customer's records. Account scopes (`me`, `bundles.create`,
 * `bundles.update`, `bundles.delete`, `events.readAll`, `forwarding.admin`) reach the whole
 * account and are refused unless `options.accountScopes` is `true`. Throws a
 * `PeekerError` naming the claim at fault.
 */
export function mintBrowserToken(
  secret: string,
  claims: MintBrowserTokenClaims,
  options?: { accountScopes?: boolean },
): string;

/**
 * Checks a browser token (signature with any of `secrets`, header, `aud`,
 * lifetime, expiry with 30 s of skew) and returns its claims as signed.
 * Throws a `PeekerError`: code `unauthorized` with `details.reason`, or
 * `invalid_secret` when a secret is unusable. `now`: Unix seconds (default now).
 */
export function verifyBrowserToken(
  token: string,
  secrets: string | string[],
  options?: { now?: number },
): BrowserTokenClaims;

/** The contract endpoint a request names, exactly. */
export interface EndpointMatch {
  /** As the client names it: `"orders.create"`. */
  name: string;
  /** Path parameters, decoded: `{ id: "ord_…" }`. */
  params: Record<string, string>;
}

"#;

type JsResult = Result<JsValue, JsValue>;

fn fail(e: &PeekerError) -> JsValue {
    js_error(ErrorKind::Peeker, e)
}

/// `options.now` in Unix seconds, or the clock's.
fn now_of(options: &JsValue) -> Result<i64, PeekerError> {
    let now = if options.is_object() {
        js_sys::Reflect::get(options, &JsValue::from_str("now")).unwrap_or_default()
    } else {
        JsValue::UNDEFINED
    };
    if now.is_undefined() || now.is_null() {
        return Ok((js_sys::Date::now() / 1000.0).floor() as i64);
    }
    match now.as_f64() {
        Some(n) if (0.0..9.0e15).contains(&n) => Ok(n.floor() as i64),
        _ => Err(PeekerError::new(
            "invalid_options",
            "options.now must be Unix seconds (a non-negative number)",
        )
        .with_field("now")),
    }
}

/// See the TypeScript declaration above.
#[wasm_bindgen(js_name = mintBrowserToken, skip_typescript)]
pub fn mint_browser_token(secret: JsValue, claims: JsValue, options: JsValue) -> JsResult {
    let secret = secret.as_string().ok_or_else(|| {
        fail(
            &PeekerError::new(
                token::INVALID_SECRET,
                "the token secret must be a string (PROXY_TOKEN_SECRET)",
            )
            .with_field("secret"),
        )
    })?;
    let claims = from_js(&claims, "claims").map_err(|e| fail(&e))?;
    let now = (js_sys::Date::now() / 1000.0).floor() as i64;
    let asked = options.is_object()
        && js_sys::Reflect::get(&options, &JsValue::from_str("accountScopes"))
            .is_ok_and(|v| v.as_bool() == Some(true));
    let account = if asked {
        token::AccountScopes::Allowed
    } else {
        token::AccountScopes::Refused
    };
    token::mint(secret.as_bytes(), &claims, now, account)
        .map(JsValue::from)
        .map_err(|e| fail(&e))
}

/// See the TypeScript declaration above.
#[wasm_bindgen(js_name = verifyBrowserToken, skip_typescript)]
pub fn verify_browser_token(token: JsValue, secrets: JsValue, options: JsValue) -> JsResult {
    let now = now_of(&options).map_err(|e| fail(&e))?;
    let secrets: Vec<String> = match from_js(&secrets, "secrets").map_err(|e| fail(&e))? {
        serde_json::Value::String(s) => vec![s],
        serde_json::Value::Array(items) => items
            .into_iter()
            .map(|v| match v {
                serde_json::Value::String(s) => s,
                _ => String::new(),
            })
            .collect(),
        _ => Vec::new(),
    };
    let keys: Vec<&[u8]> = secrets.iter().map(|s| s.as_bytes()).collect();
    let text = token.as_string().unwrap_or_default();
    let claims = token::verify(&text, &keys, now).map_err(|e| fail(&e))?;
    to_js(&claims)
}

/// The endpoint `method path` names (`path` relative to the base URL, still
/// percent-encoded, without the query), or null. Empty segments, trailing
/// slashes, `.`/`..`, percent-encoded `/`, `\` or `.` never match.
#[wasm_bindgen(js_name = matchEndpoint, unchecked_return_type = "EndpointMatch | null")]
pub fn match_endpoint(
    #[wasm_bindgen(unchecked_param_type = "string")] method: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] path: JsValue,
) -> JsValue {
    let (Some(method), Some(path)) = (method.as_string(), path.as_string()) else {
        return JsValue::NULL;
    };
    let Some((endpoint, params)) = route::match_route(&method, &path) else {
        return JsValue::NULL;
    };
    // A plain object built here: no JSON text and no map in between.
    let set = |obj: &js_sys::Object, key: &str, value: &JsValue| {
        let _ = js_sys::Reflect::set(obj, &JsValue::from_str(key), value);
    };
    let map = js_sys::Object::new();
    for (k, v) in params {
        set(&map, k, &JsValue::from_str(&v));
    }
    let found = js_sys::Object::new();
    set(&found, "name", &JsValue::from_str(endpoint.client_name()));
    set(&found, "params", &map);
    found.into()
}

/// The API's error envelope for problems: the first is the error, all of them in `details.problems`.
#[wasm_bindgen(js_name = problemEnvelope, unchecked_return_type = "ErrorEnvelope")]
pub fn problem_envelope(
    #[wasm_bindgen(unchecked_param_type = "Problem[]")] problems: JsValue,
) -> JsResult {
    let value = from_js(&problems, "problems").map_err(|e| fail(&e))?;
    let problems = problems_of(value).ok_or_else(|| {
        fail(
            &PeekerError::new(
                codes::INVALID_REQUEST,
                "pass an array of problems ({code, field, message, details?})",
            )
            .with_field("problems"),
        )
    })?;
    to_js(&envelope(&problems))
}

/// `[{code, field, message, details?}]` read by hand: serde's typed
/// decoding would bring its error formatting (and f64's) into the wasm.
fn problems_of(value: serde_json::Value) -> Option<Vec<Problem>> {
    use serde_json::Value;
    let Value::Array(items) = value else {
        return None;
    };
    let mut problems = Vec::with_capacity(items.len());
    for item in items {
        let Value::Object(mut o) = item else {
            return None;
        };
        let mut text = |key: &str| match take(&mut o, key) {
            Some(Value::String(s)) => Some(s),
            _ => None,
        };
        let (code, field, message) = (text("code")?, text("field")?, text("message")?);
        let details = take(&mut o, "details").filter(|d| !d.is_null());
        problems.push(Problem {
            code,
            field,
            message,
            details,
        });
    }
    Some(problems)
}

/// `text` with every secret replaced by `[redacted]`, in every form a server
/// may echo it: raw, JSON, Go, percent and HTML escapes (several layers, any
/// case) and base64.
#[wasm_bindgen(js_name = redactSecrets)]
pub fn redact_secrets(
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string[]")] secrets: JsValue,
) -> String {
    let secrets: Vec<String> = match from_js(&secrets, "secrets") {
        Ok(serde_json::Value::Array(items)) => items
            .into_iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        Ok(serde_json::Value::String(s)) => vec![s],
        _ => Vec::new(),
    };
    crate::scrub::Scrubber::new(&secrets).text(&text.as_string().unwrap_or_default())
}
