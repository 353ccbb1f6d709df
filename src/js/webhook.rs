//! `verifyWebhook`, `signWebhook`: the webhook verifier for JS.
//! (`handleWebhook` is JS, in errors.js: each package entry binds it to its own
//! `verifyWebhook`, so the wasm has no async machinery.)
//!
//! The signature is checked by the pure core; the envelope is then parsed with
//! the runtime's own `JSON.parse`, which keeps serde_json out of the
//! verifier-only wasm (the `peeker-partner/webhooks` entry).

use super::make_error;
use crate::webhook::{
    self, codes, WebhookError, WebhookHeaders, DEFAULT_TOLERANCE_SECS, HEADER_EVENT_ID,
    HEADER_SIGNATURE, HEADER_TIMESTAMP,
};
use js_sys::{Array, Function, Object, Reflect, Uint8Array, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(typescript_custom_section)]
const TS: &str = r#"
/** A verified webhook event (contract §A6, §13). */
export interface WebhookEvent {
  id: string;
  type: EventType;
  created_at: string;
  /** The resource itself: an order, a domain, an import, a forwarding job or a swap. */
  data: Record<string, unknown>;
}

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
): WebhookEvent;

/** Signs a payload as Peeker does, for partners' own tests. */
export function signWebhook(
  payload: string | Uint8Array | ArrayBuffer,
  secret: string,
  options?: { timestamp?: number },
): { "Peeker-Timestamp": string; "Peeker-Signature": string };

export interface HandleWebhookOptions {
  secret: string | string[];
  /** Called once per verified delivery; a throw or rejection answers 500 so Peeker retries. */
  onEvent: (event: WebhookEvent) => unknown;
  toleranceSeconds?: number;
}

/**
 * (Defined in JS by every package entry, not by this glue file alone.)
 * A complete webhook endpoint for any Fetch API runtime (Workers, Deno, Bun,
 * Next.js route handlers): reads the raw body once, verifies it, calls
 * `onEvent`, and answers 200, 400 (malformed), 401 (bad signature or stale),
 * 413 (over 1 MiB) or 500 (`onEvent` failed). Nothing of the request is echoed.
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

/// See the TypeScript declaration above.
#[wasm_bindgen(js_name = verifyWebhook, skip_typescript)]
pub fn verify_webhook(
    payload: JsValue,
    headers: JsValue,
    secret: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let body = payload_bytes(&payload)?;
    let headers = read_headers(&headers)?;
    let secrets = read_secrets(&secret)?;
    let tolerance =
        number_option(&options, "toleranceSeconds")?.map_or(DEFAULT_TOLERANCE_SECS, |t| t as u64);
    let now = number_option(&options, "now")?.map_or_else(
        || (js_sys::Date::now() / 1000.0).floor() as i64,
        |n| n as i64,
    );
    verify_bytes(&body, &headers, &secrets, tolerance, now)
}

fn verify_bytes(
    body: &[u8],
    headers: &WebhookHeaders,
    secrets: &[Vec<u8>],
    tolerance: u64,
    now: i64,
) -> Result<JsValue, JsValue> {
    let keys: Vec<&[u8]> = secrets.iter().map(Vec::as_slice).collect();
    webhook::verify_signature(body, headers, &keys, tolerance, now).map_err(webhook_error)?;
    parse_envelope(body, headers)
}

/// The envelope `{id, type, created_at, data}` of an authenticated body.
fn parse_envelope(body: &[u8], headers: &WebhookHeaders) -> Result<JsValue, JsValue> {
    let not_envelope = || {
        fail(
            codes::INVALID_PAYLOAD,
            None,
            "the body is not a Peeker event envelope {id, type, created_at, data}",
        )
    };
    let text = std::str::from_utf8(body).map_err(|_| not_envelope())?;
    let event = JSON::parse(text).map_err(|_| not_envelope())?;
    if !event.is_object() || Array::is_array(&event) {
        return Err(not_envelope());
    }
    let field = |name: &str| Reflect::get(&event, &JsValue::from_str(name)).unwrap_or_default();
    let id = field("id").as_string().ok_or_else(not_envelope)?;
    let typed = field("type").is_string() && field("created_at").is_string();
    if !typed || !field("data").is_object() {
        return Err(not_envelope());
    }
    if headers.event_id.as_deref().is_some_and(|h| h != id) {
        return Err(fail(
            codes::EVENT_ID_MISMATCH,
            Some(HEADER_EVENT_ID),
            "Peeker-Event-Id does not equal the body's `id`; the delivery was tampered with or mixed up",
        ));
    }
    Ok(event)
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

/// The raw body: a string (UTF-8), a Uint8Array or an ArrayBuffer.
fn payload_bytes(payload: &JsValue) -> Result<Vec<u8>, JsValue> {
    if let Some(text) = payload.as_string() {
        return Ok(text.into_bytes());
    }
    if payload.is_instance_of::<Uint8Array>() || payload.is_instance_of::<js_sys::ArrayBuffer>() {
        return Ok(Uint8Array::new(payload).to_vec());
    }
    if js_sys::ArrayBuffer::is_view(payload) {
        // Other typed arrays and DataViews: their bytes, not their elements.
        let view: &js_sys::DataView = payload.unchecked_ref();
        let bytes = Uint8Array::new_with_byte_offset_and_length(
            &view.buffer(),
            view.byte_offset() as u32,
            view.byte_length() as u32,
        );
        return Ok(bytes.to_vec());
    }
    let message = if payload.is_object() {
        "the payload is an object: pass the raw request body (a string from `await request.text()`, or its bytes), not parsed JSON; re-serialised JSON cannot be verified"
    } else {
        "the payload must be the raw request body: a string, a Uint8Array or an ArrayBuffer"
    };
    Err(fail(codes::INVALID_PAYLOAD, None, message))
}

/// The three Peeker headers from a `Headers` object or a plain object, any case.
fn read_headers(headers: &JsValue) -> Result<WebhookHeaders, JsValue> {
    if !headers.is_object() {
        return Err(fail(
            codes::MISSING_HEADER,
            None,
            "pass the request headers (a Headers object or a plain object)",
        ));
    }
    let get = Reflect::get(headers, &"get".into()).unwrap_or_default();
    if let Some(get) = get.dyn_ref::<Function>() {
        let read = |name: &str| {
            get.call1(headers, &name.into())
                .ok()
                .and_then(|v| v.as_string())
        };
        return Ok(WebhookHeaders {
            event_id: read(HEADER_EVENT_ID),
            timestamp: read(HEADER_TIMESTAMP),
            signature: read(HEADER_SIGNATURE),
        });
    }
    let mut pairs = Vec::new();
    for entry in Object::entries(headers.unchecked_ref()).iter() {
        let entry: Array = entry.unchecked_into();
        let Some(name) = entry.get(0).as_string() else {
            continue;
        };
        let value = entry.get(1);
        if let Some(v) = value.as_string() {
            pairs.push((name, v));
        } else if Array::is_array(&value) {
            // Node's IncomingHttpHeaders joins repeats into arrays.
            let parts: Vec<String> = Array::from(&value)
                .iter()
                .filter_map(|v| v.as_string())
                .collect();
            pairs.push((name, parts.join(", ")));
        }
    }
    Ok(WebhookHeaders::from_pairs(pairs))
}

/// One secret or several (rotation), as UTF-8 bytes exactly as shown.
fn read_secrets(secret: &JsValue) -> Result<Vec<Vec<u8>>, JsValue> {
    let invalid = || {
        fail(
            codes::INVALID_SECRET,
            None,
            "the webhook secret must be a non-empty string, or an array of them during rotation",
        )
    };
    let list: Vec<JsValue> = if Array::is_array(secret) {
        Array::from(secret).iter().collect()
    } else {
        vec![secret.clone()]
    };
    let mut secrets = Vec::with_capacity(list.len());
    for item in list {
        match item.as_string() {
            Some(s) if !s.is_empty() => secrets.push(s.into_bytes()),
            _ => return Err(invalid()),
        }
    }
    if secrets.is_empty() {
        return Err(invalid());
    }
    Ok(secrets)
}

/// A finite non-negative number option, or None when absent.
fn number_option(options: &JsValue, name: &'static str) -> Result<Option<f64>, JsValue> {
    if !options.is_object() {
        return Ok(None);
    }
    let value = Reflect::get(options, &name.into()).unwrap_or_default();
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    match value.as_f64() {
        Some(n) if n.is_finite() && n >= 0.0 => Ok(Some(n.floor())),
        _ => Err(make_error(
            "peeker",
            &[
                "options.",
                name,
                " must be a non-negative number of seconds",
            ]
            .concat(),
            "invalid_request",
            Some(name),
            JsValue::UNDEFINED,
            JsValue::UNDEFINED,
        )),
    }
}
