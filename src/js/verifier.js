// verifyWebhook, verifyWebhookAsync, signWebhook and handleWebhook, as JS
// around one wasm module's webhook checks: JS reads the inputs and parses the
// envelope, the wasm (or the native HMAC) decides. Each package entry binds
// them to its own module with `webhookVerifier`.
import { PeekerError, WebhookVerificationError, docLink } from "./errors.js";
import {
  orThrow, utf8, webhookHeaders, webhookPayload, webhookPayloadError, webhookSecrets, webhookSeconds,
} from "./webhook-input.js";
import { webhookEvent } from "./envelope.js";

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

// Secrets are prepared once (HMAC states from wasm, CryptoKeys for Web
// Crypto) and kept; a map past this many entries starts afresh.
const KEPT_SECRETS = 16;
const utf8Decode = new TextDecoder();

/**
 * verifyWebhook, checkWebhook, verifyWebhookAsync, signWebhook and
 * handleWebhook over one wasm module's exports (`buffer`, `key`, `check`,
 * `sign`: the `__peekerWebhook*` calls of src/js/webhook.rs, which take and
 * return numbers; `memory`: a function giving its memory; `macs`: Node's
 * native HMAC, or undefined for the wasm's). JS reads the
 * inputs, writes them into the module's one buffer and parses the envelope;
 * the wasm decides. The body is copied once: into wasm memory, or into the
 * native HMAC.
 */
export function webhookVerifier(wasm) {
  const nativeMacs = wasm.macs;
  let at = 0; // the buffer's address, after the last `room`
  /** The buffer, at least `len` bytes, its contents kept; a view of wasm memory from `from`. */
  const room = (len) => {
    at = wasm.buffer(len);
    if (!at) throw new PeekerError("the webhook verifier could not grow its wasm memory", "internal_error");
  };
  const view = (from, len) => new Uint8Array(wasm.memory().buffer, at + from, len);

  const keys = new Map();
  /** The prepared HMAC key of `secret` (64 bytes), made by the wasm once. */
  const key = (secret) => {
    let prepared = keys.get(secret);
    if (prepared === undefined) {
      if (keys.size >= KEPT_SECRETS) keys.clear();
      room(secret.length * 3);
      wasm.key(utf8.encodeInto(secret, view(0, secret.length * 3)).written);
      prepared = view(0, 64).slice();
      keys.set(secret, prepared);
    }
    return prepared;
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

  /**
   * Writes `[heads][texts][body]` into the buffer (`body`: the string
   * `payload` as UTF-8, else `bytes`, else nothing); returns the texts' byte
   * lengths (-1 for an absent one) and the body's.
   */
  function fill(heads, texts, payload, bytes) {
    let used = 0;
    const textRoom = texts.reduce((n, t) => n + 3 * (t?.length ?? 0), 0);
    const bodyRoom = bytes?.length ?? payload?.length ?? 0; // ASCII (most JSON): one byte a character
    room(heads.length * heads[0].length + textRoom + bodyRoom);
    for (const head of heads) {
      view(used, head.length).set(head);
      used += head.length;
    }
    const lengths = texts.map((text) => {
      if (text === undefined) return -1;
      const { written } = utf8.encodeInto(text, view(used, 3 * text.length));
      used += written;
      return written;
    });
    let body = 0;
    if (bytes !== undefined) {
      view(used, bytes.length).set(bytes);
      body = bytes.length;
    } else if (payload !== undefined) {
      let read;
      ({ read, written: body } = utf8.encodeInto(payload, view(used, payload.length)));
      if (read < payload.length) {
        room(used + 3 * payload.length);
        ({ written: body } = utf8.encodeInto(payload, view(used, 3 * payload.length)));
      }
    }
    lengths.push(body);
    return lengths;
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
    const tolerance = orThrow(webhookSeconds(options, "toleranceSeconds")) ?? -1;
    const now = orThrow(webhookSeconds(options, "now")) ?? Math.floor(Date.now() / 1000);
    return { bytes, eventId, timestamp, signature, secrets, tolerance, now };
  }

  /**
   * `{ok: true, event}` or `{ok: false, code, field, message}`. The wasm
   * checks the signature: with the HMACs in `macs` when given (native or Web
   * Crypto), else with the secrets' prepared keys over the body.
   */
  function result(payload, input, macs) {
    const { bytes, timestamp, signature, secrets } = input;
    const native = macs !== undefined && timestamp !== undefined;
    const [ts, sig, body] = native
      ? fill([macs], [timestamp, signature])
      : fill(secrets.map(key), [timestamp, signature], timestamp === undefined ? undefined : payload, bytes);
    const refused = wasm.check(secrets.length, native, ts, sig, body, input.tolerance, input.now);
    if (refused) {
      const [code, field, message] = utf8Decode.decode(view(0, refused)).split("\0");
      return { ok: false, code, field: field || undefined, message: docLink(message, code) };
    }
    const event = webhookEvent(payload, bytes, input.eventId);
    return event instanceof Error
      ? { ok: false, code: event.code, field: event.field, message: event.message }
      : { ok: true, event };
  }

  function resultSync(payload, input) {
    const { bytes, timestamp, secrets } = input;
    const macs = nativeMacs !== undefined && timestamp !== undefined ? nativeMacs(secrets, timestamp, bytes ?? payload) : undefined;
    return result(payload, input, macs);
  }

  const eventOf = (r) => {
    if (r.ok) return r.event;
    throw refusal(r.message, r.code, r.field);
  };

  function verifyWebhook(payload, headers, secret, options) {
    return eventOf(resultSync(payload, inputs(payload, headers, secret, options)));
  }

  /** verifyWebhook's checks without an Error for a refused delivery. */
  function checkWebhook(payload, headers, secret, options) {
    let input;
    try {
      input = inputs(payload, headers, secret, options);
    } catch (error) {
      // The caller's mistakes (a bad secret or options) stay thrown.
      if (!(error instanceof WebhookVerificationError) || error.code === "invalid_secret") throw error;
      return { ok: false, code: error.code, field: error.field, message: error.message };
    }
    return resultSync(payload, input);
  }

  async function verifyWebhookAsync(payload, headers, secret, options) {
    const input = inputs(payload, headers, secret, options);
    const { bytes, timestamp, secrets } = input;
    // Nothing to hash, a faster native HMAC (Node), or no Web Crypto at all.
    if (timestamp === undefined || nativeMacs !== undefined || !globalThis.crypto?.subtle) {
      return eventOf(resultSync(payload, input));
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
    return eventOf(result(payload, input, macs));
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
    const [ts, , body] = fill([key(first)], [timestamp, undefined], payload, bytes);
    if (!wasm.sign(ts, body)) throw new PeekerError("the webhook signer lost its state", "internal_error");
    return { "Peeker-Timestamp": timestamp, "Peeker-Signature": utf8Decode.decode(view(0, 67)) };
  }

  return { verifyWebhook, checkWebhook, verifyWebhookAsync, signWebhook };
}
