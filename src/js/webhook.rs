//! The webhook verifier for JS. `verifyWebhook`, `verifyWebhookAsync`,
//! `signWebhook` and `handleWebhook` are JS (`webhookVerifier` in verifier.js,
//! bound by each package entry to the exports below): JS reads the inputs,
//! puts the body into wasm memory once (or computes the HMAC natively) and
//! parses the envelope with the runtime's own `JSON.parse`; the pure core
//! decides ([`webhook_check`]). The wasm imports nothing from JS, which keeps
//! the verifier-only module (the `peeker-partner/webhooks` entry) small.

use crate::webhook::{self, SigningKey, WebhookError, DEFAULT_TOLERANCE_SECS};
use js_sys::Reflect;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

// No Rust calls these JS files (the package entries import verifier.js,
// which imports the rest), but wasm-bindgen copies only the JS files Rust
// names and follows no `import`: these declarations ship them with every
// build that has the verifier.
macro_rules! ship_js {
    ($($file:literal => $export:ident,)+) => {$(
        #[wasm_bindgen(module = $file)]
        extern "C" {
            #[allow(dead_code)]
            fn $export();
        }
    )+};
}
ship_js! {
    "/src/js/verifier.js" => webhookVerifier,
    "/src/js/handle-webhook.js" => webhookHandler,
    "/src/js/webhook-input.js" => webhookPayload,
    "/src/js/envelope.js" => webhookEvent,
    "/src/js/native-hmac.js" => useNativeHmac,
    "/src/js/read-capped.js" => readAtMost,
}

#[wasm_bindgen(typescript_custom_section)]
const TS: &str = r#"
/** Options of `verifyWebhook`. */
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

/**
 * `verifyWebhook` with the HMAC computed by the runtime's Web Crypto
 * (`crypto.subtle`, its key imported once per secret and kept); in Node, by
 * `node:crypto`. The same checks, errors and result. In a Worker or a browser
 * the synchronous `verifyWebhook` is as fast or faster (see the README).
 */
export function verifyWebhookAsync(
  payload: string | Uint8Array | ArrayBuffer,
  headers: WebhookHeadersInit,
  secret: string | string[],
  options?: VerifyWebhookOptions,
): Promise<WebhookEvent | UnknownWebhookEvent>;

/** Signs a payload as Peeker does, for partners' own tests. */
export function signWebhook(
  payload: string | Uint8Array | ArrayBuffer,
  secret: string,
  options?: { timestamp?: number },
): { "Peeker-Timestamp": string; "Peeker-Signature": string };

/** Options of `handleWebhook`: the secret(s) and what to do with each event. */
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

/// See the TypeScript declaration above: the known types are the core's.
#[wasm_bindgen(js_name = isKnownEvent, skip_typescript)]
pub fn is_known_event(event: JsValue) -> bool {
    Reflect::get(&event, &JsValue::from_str("type"))
        .ok()
        .and_then(|t| t.as_string())
        .is_some_and(|t| crate::model::EventType::KNOWN.contains(&t.as_str()))
}

/// What the verifier keeps between calls: each secret's prepared HMAC states
/// (slots handed to JS, which maps secrets to them), the body buffer, and why
/// the last check failed.
struct Verifier {
    keys: Vec<SigningKey>,
    body: Vec<u8>,
    error: Option<WebhookError>,
}

thread_local! {
    static VERIFIER: RefCell<Verifier> = const {
        RefCell::new(Verifier {
            keys: Vec::new(),
            body: Vec::new(),
            error: None,
        })
    };
}

/// Bodies up to this size keep their buffer for the next call.
const KEPT_BODY_BYTES: usize = 1024 * 1024;

/// Prepares `secret` (its HMAC inner and outer states) and returns its slot;
/// `reset` first forgets every slot (JS bounds its secret → slot map).
#[wasm_bindgen(js_name = __peekerWebhookKey, skip_typescript)]
pub fn webhook_key(secret: &str, reset: bool) -> u32 {
    VERIFIER.with_borrow_mut(|v| {
        if reset {
            v.keys.clear();
        }
        v.keys.push(SigningKey::new(secret.as_bytes()));
        (v.keys.len() - 1) as u32
    })
}

/// The address of a buffer of at least `len` bytes in wasm memory, where JS
/// writes the next body (the one copy of it). Valid until the next call.
#[wasm_bindgen(js_name = __peekerWebhookBody, skip_typescript)]
pub fn webhook_body(len: usize) -> *mut u8 {
    VERIFIER.with_borrow_mut(|v| {
        if v.body.len() < len {
            v.body.resize(len, 0);
        }
        v.body.as_mut_ptr()
    })
}

/// The wasm memory, for JS to write bodies into.
#[wasm_bindgen(js_name = __peekerWebhookMemory, skip_typescript)]
pub fn webhook_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// Decides a delivery's signature: true when it holds; else false, and
/// [`webhook_error_parts`] says why (JS builds the error: an `Error` made
/// during a call from wasm costs several times more). The HMAC under secret
/// `i` is `macs[32i..]` when JS computed them natively, else computed here
/// with the prepared key in slot `keys[i]` over the first `body_len` bytes
/// of the body buffer. `now` defaults to the current time.
#[wasm_bindgen(js_name = __peekerWebhookCheck, skip_typescript)]
pub fn webhook_check(
    body_len: usize,
    timestamp: Option<String>,
    signature: Option<String>,
    keys: &[u32],
    macs: &[u8],
    tolerance: Option<f64>,
    now: Option<f64>,
) -> bool {
    let tolerance = tolerance.map_or(DEFAULT_TOLERANCE_SECS, |t| t as u64);
    let now = now.unwrap_or_else(|| (js_sys::Date::now() / 1000.0).floor()) as i64;
    VERIFIER.with_borrow_mut(|v| {
        let count = if macs.is_empty() {
            keys.len()
        } else {
            macs.len() / 32
        };
        // Unreachable from the package's JS; refused rather than trusted.
        let known = keys.iter().all(|&k| (k as usize) < v.keys.len());
        let outcome = if count == 0 || !known || body_len > v.body.len() {
            Err(webhook::empty_secret())
        } else {
            let (keys_v, body) = (&v.keys, &v.body[..body_len]);
            webhook::check_signature(
                timestamp.as_deref(),
                signature.as_deref(),
                count,
                tolerance,
                now,
                |i, timestamp| match macs.get(32 * i..32 * i + 32) {
                    Some(mac) => mac.try_into().unwrap_or([0; 32]),
                    None => keys_v[keys[i] as usize].mac_signed(timestamp, body),
                },
            )
        };
        if v.body.len() > KEPT_BODY_BYTES {
            v.body = Vec::new();
        }
        v.error = outcome.err();
        v.error.is_none()
    })
}

/// `[code, field or "", message]` of the last failed check.
#[wasm_bindgen(js_name = __peekerWebhookError, skip_typescript)]
pub fn webhook_error_parts() -> Vec<String> {
    let e = VERIFIER
        .with_borrow_mut(|v| v.error.take())
        .unwrap_or_else(webhook::empty_secret);
    vec![
        e.code.to_owned(),
        e.field.unwrap_or_default().to_owned(),
        e.message,
    ]
}

/// The `Peeker-Signature` value (`v1=<hex>`) for the first `body_len` bytes
/// of the body buffer sent at `timestamp`, under the key in slot `key`.
#[wasm_bindgen(js_name = __peekerWebhookSign, skip_typescript)]
pub fn webhook_sign(body_len: usize, key: u32, timestamp: &str) -> Option<String> {
    VERIFIER.with_borrow(|v| {
        let key = v.keys.get(key as usize)?;
        let body = v.body.get(..body_len)?;
        Some(webhook::signature_value(&key.mac_signed(timestamp, body)))
    })
}
