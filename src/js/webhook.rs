//! `verifyWebhook`, `signWebhook`: the webhook verifier for JS.
//! (`handleWebhook` is JS, in handle-webhook.js: each package entry binds it
//! to its own `verifyWebhook`, so the wasm has no async machinery.)
//!
//! The signature is checked by the pure core; the envelope is then parsed with
//! the runtime's own `JSON.parse`, which keeps serde_json out of the
//! verifier-only wasm (the `peeker-partner/webhooks` entry).

use super::make_error;
use crate::webhook::{
    self, codes, WebhookError, WebhookHeaders, DEFAULT_TOLERANCE_SECS, HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

// Reading the payload, headers, secrets and options (webhook-input.js) and
// parsing the envelope (envelope.js) are JS. Each returns its `PeekerError`
// rather than throwing: an exception thrown into a `catch` import leaks an
// externref table slot.
#[wasm_bindgen(module = "/src/js/webhook-input.js")]
extern "C" {
    /// The raw body's bytes, or None when `payload` is not a body.
    #[wasm_bindgen(js_name = webhookPayload)]
    fn webhook_payload(payload: &JsValue) -> Option<Vec<u8>>;
    #[wasm_bindgen(js_name = webhookPayloadError)]
    fn webhook_payload_error(payload: &JsValue) -> JsValue;
    /// `[event id, timestamp, signature]`, each a string or undefined.
    #[wasm_bindgen(js_name = webhookHeaders)]
    fn webhook_headers(headers: &JsValue) -> JsValue;
    /// A non-empty array of non-empty strings.
    #[wasm_bindgen(js_name = webhookSecrets)]
    fn webhook_secrets(secret: &JsValue) -> JsValue;
    /// A finite non-negative number of seconds, floored, or undefined.
    #[wasm_bindgen(js_name = webhookSeconds)]
    fn webhook_seconds(options: &JsValue, name: &str) -> JsValue;
}

#[wasm_bindgen(module = "/src/js/envelope.js")]
extern "C" {
    /// The event.
    #[wasm_bindgen(js_name = webhookEvent)]
    fn webhook_event(payload: &JsValue, body: &[u8], event_id: Option<&str>) -> JsValue;
}

#[wasm_bindgen(module = "/src/js/native-hmac.js")]
extern "C" {
    /// Whether the runtime has a synchronous native HMAC (only Node does).
    #[wasm_bindgen(js_name = hasNativeHmac)]
    fn has_native_hmac() -> bool;
    /// HMAC-SHA256 of `"{timestamp}.{body}"` by that native HMAC, written
    /// into `out`; the body is `payload` itself when it is a string (it then
    /// never crosses into wasm), else `body`. False when it failed.
    #[wasm_bindgen(js_name = nativeHmac)]
    fn native_hmac(
        secret: &[u8],
        timestamp: &str,
        payload: &JsValue,
        body: &[u8],
        out: &mut [u8],
    ) -> bool;
}

// No Rust calls handle-webhook.js (the package entries import it), but
// wasm-bindgen copies only the JS files Rust names, and follows no `import`:
// this declaration ships it with every build that has the verifier.
#[wasm_bindgen(module = "/src/js/handle-webhook.js")]
extern "C" {
    #[allow(dead_code)]
    #[wasm_bindgen(js_name = webhookHandler)]
    fn webhook_handler(verify_webhook: &JsValue) -> JsValue;
}

/// A helper's answer, or the error it returned.
fn checked(value: JsValue) -> Result<JsValue, JsValue> {
    if value.is_instance_of::<js_sys::Error>() {
        Err(value)
    } else {
        Ok(value)
    }
}

#[wasm_bindgen(typescript_custom_section)]
const TS: &str = r#"
export interface VerifyWebhookOptions {
  /** Accepted clock difference either way, in seconds. Default 300. */
  toleranceSeconds?: number;
  /** The current time in Unix seconds. Default: now. */
  now?: number;
}

/** Header names as sent; any case works. */
export type WebhookHeadersInit = Headers | Record<string, string | string[] | undefined>;

/**
 * Verifies a delivery and returns its event. `payload` is the raw body, byte
 * for byte (`await request.text()`), never a parsed object. `secret` may be
 * several secrets during rotation. Throws a `WebhookVerificationError`.
 */
export function verifyWebhook(
  payload: string | Uint8Array | ArrayBuffer,
  headers: WebhookHeadersInit,
  secret: string | string[],
  options?: VerifyWebhookOptions,
): WebhookEvent | UnknownWebhookEvent;

/**
 * Whether an event's `type` is one this version knows. After
 * `if (isKnownEvent(event))`, `switch (event.type)` narrows `event.data`.
 */
export function isKnownEvent(event: WebhookEvent | UnknownWebhookEvent): event is WebhookEvent;

/** Signs a payload as Peeker does, for partners' own tests. */
export function signWebhook(
  payload: string | Uint8Array | ArrayBuffer,
  secret: string,
  options?: { timestamp?: number },
): { "Peeker-Timestamp": string; "Peeker-Signature": string };

export interface HandleWebhookOptions {
  secret: string | string[];
  /**
   * Called once per verified delivery, with the raw body (to store it byte for
   * byte); a throw or rejection answers 500 so Peeker retries.
   */
  onEvent: (event: WebhookEvent | UnknownWebhookEvent, delivery: { rawBody: string }) => unknown;
  toleranceSeconds?: number;
}

/**
 * (Defined in JS by every package entry, not by this glue file alone.)
 * A complete webhook endpoint for any Fetch API runtime (Workers, Deno, Bun,
 * Next.js route handlers): reads the raw body once, verifies it, calls
 * `onEvent`, and answers 200, 400 (malformed), 401 (bad signature or stale),
 * 413 (over 1 MiB; reading stops there) or 500 (`onEvent` failed). Nothing of
 * the request is echoed.
 */
export function handleWebhook(request: Request, options: HandleWebhookOptions): Promise<Response>;
"#;

/// A `WebhookVerificationError`, straight from the core's error.
fn webhook_error(e: WebhookError) -> JsValue {
    fail(e.code, e.field, &e.message)
}

fn fail(code: &str, field: Option<&str>, message: &str) -> JsValue {
    make_error(
        "webhook",
        message,
        code,
        field,
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
    )
}

/// See the TypeScript declaration above: the known types are the core's.
#[wasm_bindgen(js_name = isKnownEvent, skip_typescript)]
pub fn is_known_event(event: JsValue) -> bool {
    Reflect::get(&event, &JsValue::from_str("type"))
        .ok()
        .and_then(|t| t.as_string())
        .is_some_and(|t| crate::model::EventType::KNOWN.contains(&t.as_str()))
}

/// See the TypeScript declaration above.
#[wasm_bindgen(js_name = verifyWebhook, skip_typescript)]
pub fn verify_webhook(
    payload: JsValue,
    headers: JsValue,
    secret: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let native = has_native_hmac();
    // With a native HMAC, a string body is hashed and parsed in JS: copying
    // it into wasm would cost more than the check itself.
    let body = if native && payload.is_string() {
        Vec::new()
    } else {
        payload_bytes(&payload)?
    };
    let headers = read_headers(&headers)?;
    let secrets = read_secrets(&secret)?;
    let tolerance =
        number_option(&options, "toleranceSeconds")?.map_or(DEFAULT_TOLERANCE_SECS, |t| t as u64);
    let now = number_option(&options, "now")?.map_or_else(
        || (js_sys::Date::now() / 1000.0).floor() as i64,
        |n| n as i64,
    );
    let keys: Vec<&[u8]> = secrets.iter().map(Vec::as_slice).collect();
    let mac = |secret: &[u8], timestamp: &str, body: &[u8]| {
        let mut out = [0u8; 32];
        if native && native_hmac(secret, timestamp, &payload, body, &mut out) {
            return out;
        }
        match payload.as_string() {
            // The native HMAC failed after the body was left out of wasm.
            Some(text) if body.is_empty() => {
                webhook::hmac_signed(secret, timestamp, text.as_bytes())
            }
            _ => webhook::hmac_signed(secret, timestamp, body),
        }
    };
    webhook::verify_signature_with(&body, &headers, &keys, tolerance, now, mac)
        .map_err(webhook_error)?;
    // A string body is parsed as it is; only bytes need decoding first.
    let bytes: &[u8] = if payload.is_string() { &[] } else { &body };
    checked(webhook_event(&payload, bytes, headers.event_id.as_deref()))
}

/// See the TypeScript declaration above.
#[wasm_bindgen(js_name = signWebhook, skip_typescript)]
pub fn sign_webhook(
    payload: JsValue,
    secret: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let body = payload_bytes(&payload)?;
    let secrets = read_secrets(&secret)?;
    let Some(secret) = secrets.first() else {
        return Err(fail(
            codes::INVALID_SECRET,
            None,
            "pass the webhook secret to sign with",
        ));
    };
    let seconds = number_option(&options, "timestamp")?.map_or_else(
        || (js_sys::Date::now() / 1000.0).floor() as i64,
        |t| t as i64,
    );
    let mut timestamp = String::with_capacity(20);
    if seconds < 0 {
        timestamp.push('-');
    }
    webhook::push_decimal(&mut timestamp, seconds.unsigned_abs());
    let signature = webhook::sign(secret, &timestamp, &body);
    let out = Object::new();
    let _ = Reflect::set(&out, &HEADER_TIMESTAMP.into(), &timestamp.into());
    let _ = Reflect::set(&out, &HEADER_SIGNATURE.into(), &signature.into());
    Ok(out.into())
}

/// The raw body's bytes. A string crosses once, encoded straight into wasm memory.
fn payload_bytes(payload: &JsValue) -> Result<Vec<u8>, JsValue> {
    if let Some(text) = payload.as_string() {
        return Ok(text.into_bytes());
    }
    webhook_payload(payload).ok_or_else(|| webhook_payload_error(payload))
}

/// The three Peeker headers from a `Headers` object or a plain object, any case.
fn read_headers(headers: &JsValue) -> Result<WebhookHeaders, JsValue> {
    let found: Array = checked(webhook_headers(headers))?.unchecked_into();
    let at = |i| found.get(i).as_string();
    Ok(WebhookHeaders {
        event_id: at(0),
        timestamp: at(1),
        signature: at(2),
    })
}

/// One secret or several (rotation), as UTF-8 bytes exactly as shown.
fn read_secrets(secret: &JsValue) -> Result<Vec<Vec<u8>>, JsValue> {
    let secrets: Array = checked(webhook_secrets(secret))?.unchecked_into();
    Ok(secrets
        .iter()
        .map(|s| s.as_string().unwrap_or_default().into_bytes())
        .collect())
}

/// A number option in whole seconds, or None when absent.
fn number_option(options: &JsValue, name: &str) -> Result<Option<f64>, JsValue> {
    Ok(checked(webhook_seconds(options, name))?.as_f64())
}
