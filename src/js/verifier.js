// verifyWebhook, verifyWebhookAsync, signWebhook and handleWebhook, as JS
// around one wasm module's webhook checks: JS reads the inputs and parses the
// envelope, the wasm (or the native HMAC) decides. Each package entry binds
// them to its own module with `webhookVerifier`.
import { PeekerError, WebhookVerificationError } from "./errors.js";
import {
  orThrow, utf8, webhookHeaders, webhookPayload, webhookPayloadError, webhookSecrets, webhookSeconds,
} from "./webhook-input.js";
import { webhookEvent } from "./envelope.js";
import { hasNativeHmac, nativeMacs } from "./native-hmac.js";
import { Refused, webhookHandler } from "./handle-webhook.js";

/**
 * The error for a refused delivery (bad or stale signature, bad headers): an
 * answer about the request, not a bug in the caller, so no stack is captured
 * (capturing one costs as much as the HMAC itself, and a forgery should cost
 * no more than a valid delivery). Usage errors keep their stacks.
 */
function refusal(message, code, field) {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new WebhookVerificationError(message, code, field);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

// Secrets are prepared once (HMAC states in wasm, CryptoKeys for Web Crypto)
// and kept; a map past this many entries starts afresh.
const KEPT_SECRETS = 16;
const NO_KEYS = new Uint32Array(0);
const NO_MACS = new Uint8Array(0);

/**
 * verifyWebhook and verifyWebhookAsync over one wasm module's exports
 * (`__peekerWebhookKey`, `__peekerWebhookBody`, `__peekerWebhookMemory`,
 * `__peekerWebhookCheck`, `__peekerWebhookError`, `__peekerWebhookSign`). JS reads the inputs and parses the envelope; the
 * wasm decides. The body is copied once: into wasm memory, or into the
 * native HMAC.
 */
export function webhookVerifier(wasm) {
  const slots = new Map();
  const slot = (secret) => {
    let at = slots.get(secret);
    if (at === undefined) {
      const reset = slots.size >= KEPT_SECRETS;
      if (reset) slots.clear();
      at = wasm.key(secret, reset);
      slots.set(secret, at);
    }
    return at;
  };
  const cryptoKeys = new Map();
  const cryptoKey = (secret) => {
    let key = cryptoKeys.get(secret);
    if (key === undefined) {
      if (cryptoKeys.size >= KEPT_SECRETS) cryptoKeys.clear();
      key = crypto.subtle.importKey("raw", utf8.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
      cryptoKeys.set(secret, key);
      key.catch(() => cryptoKeys.delete(secret));
    }
    return key;
  };

  /** The body's bytes into wasm memory; returns their length. */
  function writeBody(payload, bytes) {
    if (bytes !== undefined) {
      const at = wasm.body(bytes.length);
      new Uint8Array(wasm.memory().buffer, at, bytes.length).set(bytes);
      return bytes.length;
    }
    // ASCII (most JSON) fits in payload.length bytes; else retry at the UTF-8 bound.
    let at = wasm.body(payload.length);
    let { read, written } = utf8.encodeInto(payload, new Uint8Array(wasm.memory().buffer, at, payload.length));
    if (read < payload.length) {
      at = wasm.body(payload.length * 3);
      ({ written } = utf8.encodeInto(payload, new Uint8Array(wasm.memory().buffer, at, payload.length * 3)));
    }
    return written;
  }

  /** The inputs read and checked, in the order the errors are reported. */
  function inputs(payload, headers, secret, options) {
    let bytes;
    if (typeof payload !== "string") {
      bytes = webhookPayload(payload);
      if (bytes === undefined) throw webhookPayloadError(payload);
    }
    const [eventId, timestamp, signature] = orThrow(webhookHeaders(headers));
    const secrets = orThrow(webhookSecrets(secret));
    const tolerance = orThrow(webhookSeconds(options, "toleranceSeconds"));
    const now = orThrow(webhookSeconds(options, "now"));
    return { bytes, eventId, timestamp, signature, secrets, tolerance, now };
  }

  function decide(payload, input, length, keys, macs) {
    if (!wasm.check(length, input.timestamp, input.signature, keys, macs, input.tolerance, input.now)) {
      const [code, field, message] = wasm.error();
      if (input.quiet) return new Refused(code);
      throw refusal(message, code, field || undefined);
    }
    const event = webhookEvent(payload, input.bytes, input.eventId);
    if (input.quiet && event instanceof Error) return new Refused(event.code);
    return orThrow(event);
  }

  function verifySync(payload, input) {
    const { bytes, timestamp, secrets } = input;
    if (hasNativeHmac() && timestamp !== undefined) {
      return decide(payload, input, 0, NO_KEYS, nativeMacs(secrets, timestamp, bytes ?? payload));
    }
    const keys = secrets.length === 1 ? Uint32Array.of(slot(secrets[0])) : Uint32Array.from(secrets, slot);
    const length = timestamp === undefined ? 0 : writeBody(payload, bytes);
    return decide(payload, input, length, keys, NO_MACS);
  }

  function verifyWebhook(payload, headers, secret, options) {
    return verifySync(payload, inputs(payload, headers, secret, options));
  }

  async function verifyWebhookAsync(payload, headers, secret, options) {
    const input = inputs(payload, headers, secret, options);
    const { bytes, timestamp, secrets } = input;
    // Nothing to hash, a faster native HMAC (Node), or no Web Crypto at all.
    if (timestamp === undefined || hasNativeHmac() || !globalThis.crypto?.subtle) {
      return verifySync(payload, input);
    }
    let signed;
    if (bytes === undefined) {
      signed = utf8.encode(`${timestamp}.${payload}`);
    } else {
      const head = utf8.encode(`${timestamp}.`);
      signed = new Uint8Array(head.length + bytes.length);
      signed.set(head);
      signed.set(bytes, head.length);
    }
    const macs = new Uint8Array(32 * secrets.length);
    await Promise.all(
      secrets.map(async (s, i) => {
        const mac = await crypto.subtle.sign("HMAC", await cryptoKey(s), signed);
        macs.set(new Uint8Array(mac), 32 * i);
      }),
    );
    return decide(payload, input, 0, NO_KEYS, macs);
  }

  function signWebhook(payload, secret, options) {
    let bytes;
    if (typeof payload !== "string") {
      bytes = webhookPayload(payload);
      if (bytes === undefined) throw webhookPayloadError(payload);
    }
    const [first] = orThrow(webhookSecrets(secret));
    const seconds = orThrow(webhookSeconds(options, "timestamp")) ?? Math.floor(Date.now() / 1000);
    const timestamp = BigInt(seconds).toString();
    const signature = wasm.sign(writeBody(payload, bytes), slot(first), timestamp);
    if (signature === undefined) throw new PeekerError("the webhook signer lost its state", "internal_error");
    return { "Peeker-Timestamp": timestamp, "Peeker-Signature": signature };
  }

  /** verifyWebhook for handleWebhook: a refusal is returned, not thrown (no Error is built). */
  function verifyQuietly(payload, headers, secret, options) {
    return verifySync(payload, { ...inputs(payload, headers, secret, options), quiet: true });
  }

  return { verifyWebhook, verifyWebhookAsync, signWebhook, handleWebhook: webhookHandler(verifyQuietly) };
}
