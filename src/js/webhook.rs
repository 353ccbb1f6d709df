//! The webhook verifier for JS. `verifyWebhook`, `verifyWebhookAsync`,
//! `signWebhook` and `handleWebhook` are JS (`webhookVerifier` in verifier.js,
//! bound by each package entry to the exports below): JS reads the inputs,
//! puts the body into wasm memory once (or computes the HMAC natively) and
//! parses the envelope with the runtime's own `JSON.parse`; the pure core
//! decides ([`webhook_check`]). The wasm imports nothing from JS, which keeps
//! the verifier-only module (the `peeker-partner/webhooks` entry) small.

use crate::hmac::SigningKey;
use crate::webhook::{self, Refusal, DEFAULT_TOLERANCE_SECS};
use std::alloc::{self, Layout};
use std::cell::Cell;
use std::{ptr, slice};
use wasm_bindgen::prelude::*;

// No Rust calls these JS files (the package entries import verifier.js,
// which imports the rest), but wasm-bindgen copies only the JS files Rust
// names and follows no `import`: these declarations ship them with every
// build that has the verifier.
macro_rules! ship_js {
    ($($file:literal => $export:ident,)+) => {$(
        #[wasm_bindgen(module = $file)]
        extern "C" {
            #[allow(dead_code, non_snake_case)]
            fn $export();
        }
    )+};
}
ship_js! {
    "/src/js/verifier.js" => webhookVerifier,
    "/src/js/handle-webhook.js" => webhookHandler,
    "/src/js/webhook-input.js" => webhookPayload,
    "/src/js/envelope.js" => webhookEvent,
    "/src/js/events.gen.js" => KNOWN_EVENT_TYPES,
    "/src/js/native-hmac.js" => nodeMacs,
    "/src/js/read-capped.js" => readAtMost,
}

#[wasm_bindgen(typescript_custom_section)]
const TS: &str = r#"
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
 * What `checkWebhook` answers: the event, or why the delivery was refused
 * (the `code`, `field` and `message` `verifyWebhook` would throw).
 */
export type WebhookCheck =
  | { ok: true; event: WebhookEvent | UnknownWebhookEvent }
  | { ok: false; code: WebhookErrorCode; field?: string; message: string };

/**
 * `verifyWebhook` that returns a refusal instead of throwing it: no `Error`
 * is built for a forged, stale or malformed delivery, so refusing one costs
 * no more than accepting one, whatever the host (an attached debugger makes
 * every `Error` slow). Still throws for the caller's own mistakes: an empty
 * secret (`invalid_secret`) or bad options (`invalid_options`).
 *
 * ```ts
 * const checked = checkWebhook(await request.text(), request.headers, secret);
 * if (!checked.ok) return new Response(checked.code, { status: 401 });
 * ```
 */
export function checkWebhook(
  payload: string | Uint8Array | ArrayBuffer,
  headers: WebhookHeadersInit,
  secret: string | string[],
  options?: VerifyWebhookOptions,
): WebhookCheck;

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

/** One cause `diagnoseWebhook` found: its name, in words, and its details. */
export interface WebhookDiagnosisCause {
  /** `body_reserialised`, `secret_whitespace`, `clock_skew`, `header_missing`, … */
  cause: string;
  /** What happened and what to do, in words. */
  message: string;
  /** Details of the cause (`skew_secs`, `header`, `index` of a secret, …). */
  [detail: string]: unknown;
}

/** What `diagnoseWebhook` found. Never holds a secret or a signature. */
export interface WebhookDiagnosis {
  /** Whether `verifyWebhook` accepts the delivery as given. */
  verified: boolean;
  /** The code of the check that fails, when one does. */
  failedCheck?: WebhookErrorCode;
  /** The verifier's own message for it. */
  message?: string;
  /** The likely causes, the most certain first; empty when all is well. */
  causes: WebhookDiagnosisCause[];
}

/** Options of `handleWebhook`: the secret(s) and what to do with each event. */
export interface HandleWebhookOptions {
  secret: string | string[];
  /**
   * Called once per verified delivery, with the raw body (to store it byte for
   * byte); a throw or rejection answers 500 so Peeker retries.
   */
  onEvent: (event: WebhookEvent | UnknownWebhookEvent, delivery: { rawBody: string }) => unknown;
  /**
   * Called for each refused delivery, before the answer, so the server can
   * log why (the sender's answer stays vague). `error` is the
   * `WebhookVerificationError` `verifyWebhook` would throw (a `PeekerError`
   * for an oversize or unreadable body; a non-POST request is no delivery
   * and calls nothing), with `diagnosis`
   * where the entry has `diagnoseWebhook` (the main entry; in Node, both).
   * Awaited; its own throws are ignored.
   */
  onError?: (
    error: Error & { readonly code: string; readonly field?: string; readonly diagnosis?: WebhookDiagnosis },
    request: Request,
  ) => unknown;
  toleranceSeconds?: number;
}

/**
 * (Defined in JS by every package entry, not by this glue file alone.)
 * A complete webhook endpoint for any Fetch API runtime (Workers, Deno, Bun,
 * Next.js route handlers): reads the raw body once, verifies it, calls
 * `onEvent`, and answers 200, 400 (malformed), 401 (bad signature or stale),
 * 413 (over 1 MiB; reading stops there) or 500 (`onEvent` failed). Nothing of
 * the request is echoed; `onError` tells the server why.
 */
export function handleWebhook(request: Request, options: HandleWebhookOptions): Promise<Response>;
"#;

// The verifier's wasm calls take and return numbers only: JS writes every
// input into one buffer in wasm memory and reads the answers from it, so
// the glue has no string or array conversions, and this path allocates
// nothing but that buffer (no panic or formatting machinery in the
// verifier-only wasm).

/// The one buffer: its address and size.
struct Buffer {
    at: Cell<*mut u8>,
    len: Cell<usize>,
}

// SAFETY: wasm32-unknown-unknown without atomics has one thread.
unsafe impl Sync for Buffer {}

static BUFFER: Buffer = Buffer {
    at: Cell::new(ptr::null_mut()),
    len: Cell::new(0),
};

/// The smallest buffer: room for any answer (a refusal's text, a signature).
const MIN_BUFFER_BYTES: usize = 512;
/// A buffer up to this size (a 1 MiB body and its headers) is kept between calls.
const KEPT_BUFFER_BYTES: usize = 1024 * 1024 + 4096;
const ALIGN: usize = 8;

/// The buffer's contents (empty before the first [`webhook_buffer`]).
fn buffer() -> &'static mut [u8] {
    let at = BUFFER.at.get();
    if at.is_null() {
        return &mut [];
    }
    // SAFETY: `at` points to `len` bytes allocated by `webhook_buffer`, and
    // no other reference to them outlives a call (one thread, no re-entry).
    unsafe { slice::from_raw_parts_mut(at, BUFFER.len.get()) }
}

/// The address of the buffer, resized to at least `len` bytes with its
/// contents kept, or 0 when memory cannot grow (then the old buffer stays).
/// Valid until the next call of this function. A buffer grown past
/// [`KEPT_BUFFER_BYTES`] (a huge body) is given back at the next smaller
/// request.
#[wasm_bindgen(js_name = __peekerWebhookBuffer, skip_typescript)]
pub fn webhook_buffer(len: usize) -> *mut u8 {
    let (at, have) = (BUFFER.at.get(), BUFFER.len.get());
    if len <= have && (have <= KEPT_BUFFER_BYTES || len > KEPT_BUFFER_BYTES) {
        return at;
    }
    let want = len.max(MIN_BUFFER_BYTES);
    let Ok(layout) = Layout::from_size_align(want, ALIGN) else {
        return ptr::null_mut();
    };
    // SAFETY: `layout` has a non-zero size; `at`, when set, was allocated
    // here with `have` bytes at ALIGN.
    let resized = unsafe {
        if at.is_null() {
            alloc::alloc(layout)
        } else {
            alloc::realloc(at, Layout::from_size_align_unchecked(have, ALIGN), want)
        }
    };
    if !resized.is_null() {
        BUFFER.at.set(resized);
        BUFFER.len.set(want);
    }
    resized
}

/// Prepares the secret whose UTF-8 bytes are the buffer's first `len`: its
/// 64-byte key (HMAC inner and outer states, which JS keeps per secret)
/// replaces them at the start of the buffer.
#[wasm_bindgen(js_name = __peekerWebhookKey, skip_typescript)]
pub fn webhook_key(len: usize) {
    let buf = buffer();
    let key = SigningKey::new(buf.get(..len).unwrap_or_default()).to_bytes();
    for (slot, b) in buf.iter_mut().zip(key) {
        *slot = b;
    }
}

/// `[keys][timestamp][signature][body]`, a missing header as `None`.
type Parts = (
    &'static [u8],
    Option<&'static [u8]>,
    Option<&'static [u8]>,
    &'static [u8],
);

/// The buffer's `[keys][timestamp][signature][body]` split at the given
/// lengths (`None` where JS passed a negative length: a missing header).
fn parts(keys: usize, timestamp: isize, signature: isize, body: usize) -> Option<Parts> {
    let (keys, rest) = buffer().split_at_checked(keys)?;
    let (timestamp, rest) = match usize::try_from(timestamp) {
        Ok(n) => rest.split_at_checked(n).map(|(t, r)| (Some(t), r))?,
        Err(_) => (None, rest),
    };
    let (signature, rest) = match usize::try_from(signature) {
        Ok(n) => rest.split_at_checked(n).map(|(s, r)| (Some(s), r))?,
        Err(_) => (None, rest),
    };
    Some((keys, timestamp, signature, rest.get(..body)?))
}

/// Decides a delivery's signature. The buffer holds `[keys][timestamp]
/// [signature][body]`: `count` prepared keys of 64 bytes (from
/// [`webhook_key`]), or, when `native`, the `count` HMACs of 32 bytes JS
/// computed itself (then no body); the headers' UTF-8 bytes, a negative
/// length for a missing one. `tolerance` below 0 is the default; `now` is
/// Unix seconds. Returns 0 when the signature holds; else the length of
/// `code NUL field NUL message`, written at the start of the buffer (JS
/// builds the error or the refusal from it).
#[wasm_bindgen(js_name = __peekerWebhookCheck, skip_typescript)]
pub fn webhook_check(
    count: usize,
    native: bool,
    timestamp_len: isize,
    signature_len: isize,
    body_len: usize,
    tolerance: f64,
    now: f64,
) -> usize {
    let width = if native { 32 } else { 64 };
    let tolerance = if tolerance < 0.0 {
        DEFAULT_TOLERANCE_SECS
    } else {
        tolerance as u64
    };
    let outcome = match parts(width * count, timestamp_len, signature_len, body_len) {
        // Unreachable from the package's JS; refused rather than trusted.
        None => Err(Refusal::EmptySecret),
        Some(_) if count == 0 => Err(Refusal::EmptySecret),
        Some((keys, timestamp, signature, body)) => webhook::check_signature(
            timestamp,
            signature,
            count,
            tolerance,
            now as i64,
            |i, timestamp| {
                let key = keys.get(width * i..width * i + width).unwrap_or_default();
                if native {
                    key.try_into().unwrap_or([0; 32])
                } else {
                    key.try_into()
                        .map(SigningKey::from_bytes)
                        .map_or([0; 32], |k| webhook::mac_signed(&k, timestamp, body))
                }
            },
        ),
    };
    match outcome {
        Ok(()) => 0,
        Err(refusal) => write_refusal(refusal, buffer()),
    }
}

/// `code NUL field NUL message` into `out`; returns its length.
fn write_refusal(refusal: Refusal, out: &mut [u8]) -> usize {
    let mut at = 0;
    let mut put = |piece: &[u8]| {
        for (slot, &b) in out.iter_mut().skip(at).zip(piece) {
            *slot = b;
        }
        at += piece.len();
    };
    put(refusal.code().as_bytes());
    put(b"\0");
    put(refusal.field().unwrap_or_default().as_bytes());
    put(b"\0");
    refusal.message(&mut put);
    at
}

/// Signs: the buffer holds `[key][timestamp][body]` (one 64-byte prepared
/// key); the `Peeker-Signature` value, `v1=<hex>` (67 bytes), replaces its
/// start. False when the lengths do not fit the buffer.
#[wasm_bindgen(js_name = __peekerWebhookSign, skip_typescript)]
pub fn webhook_sign(timestamp_len: usize, body_len: usize) -> bool {
    let Some((key, Some(timestamp), _, body)) = parts(64, timestamp_len as isize, -1, body_len)
    else {
        return false;
    };
    let Ok(key) = key.try_into().map(SigningKey::from_bytes) else {
        return false;
    };
    let value = webhook::signature_ascii(&webhook::mac_signed(&key, timestamp, body));
    let out = buffer();
    for (slot, b) in out.iter_mut().zip(value) {
        *slot = b;
    }
    out.len() >= value.len()
}
