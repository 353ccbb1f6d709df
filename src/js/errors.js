// The error classes every part of peeker-partner throws. Rust constructs them
// through wasm-bindgen; the package entries re-export this very module so
// `instanceof` works for callers.

/** Base class: every error this package throws is a PeekerError. */
export class PeekerError extends Error {
  constructor(message, code, field, details) {
    super(message);
    /** Stable machine code: the API's own where one exists. */
    this.code = code;
    /** Path of the field at fault, e.g. `personas[3].profile_picture_url`, or undefined. */
    this.field = field ?? undefined;
    /** Structured extras, or undefined. */
    this.details = details ?? undefined;
  }
}

/** The input was refused before any request was made; `problems` lists every problem. */
export class ValidationError extends PeekerError {
  constructor(message, problems) {
    super(message, "validation_failed", problems?.[0]?.field, undefined);
    this.problems = problems ?? [];
  }
}

/** A webhook could not be verified; `code` says why (see the README). */
export class WebhookVerificationError extends PeekerError {}

/**
 * The API answered with an error (4xx/5xx). `status` is the HTTP status,
 * `code`/`field`/`details` come from the error envelope, `requestId` from the
 * `Peeker-Request-Id` header: quote it to support.
 */
export class ApiError extends PeekerError {
  constructor(message, code, field, details, status, requestId) {
    super(message, code, field, details);
    this.status = status;
    this.requestId = requestId ?? undefined;
  }
}
/** 401: the key is missing, malformed or revoked. */
export class AuthenticationError extends ApiError {}
/** 403: the key's permission preset does not allow this call. */
export class PermissionError extends ApiError {}
/** 404: no such record in this account. */
export class NotFoundError extends ApiError {}
/** 409: a conflict, such as a user email already in use. */
export class ConflictError extends ApiError {}
/** 422: the request was understood but cannot be done (domain split, unavailable domain). */
export class UnprocessableError extends ApiError {}
/** 429: over the rate limit, still so after the client's retries. */
export class RateLimitError extends ApiError {}
/** 5xx: the server failed, still so after the client's retries. */
export class ServerError extends ApiError {}
/** No answer: the connection failed. */
export class ConnectionError extends PeekerError {}
/** No answer within `timeoutMs`. Also a ConnectionError. */
export class TimeoutError extends ConnectionError {}
/** The caller's `signal` aborted the call. */
export class AbortError extends PeekerError {}

const API_ERRORS = {
  401: AuthenticationError,
  403: PermissionError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableError,
  429: RateLimitError,
};

// Names as literals: minifiers rename classes, and partners log `err.name`.
for (const [cls, name] of [
  [PeekerError, "PeekerError"],
  [ValidationError, "ValidationError"],
  [WebhookVerificationError, "WebhookVerificationError"],
  [ApiError, "ApiError"],
  [AuthenticationError, "AuthenticationError"],
  [PermissionError, "PermissionError"],
  [NotFoundError, "NotFoundError"],
  [ConflictError, "ConflictError"],
  [UnprocessableError, "UnprocessableError"],
  [RateLimitError, "RateLimitError"],
  [ServerError, "ServerError"],
  [ConnectionError, "ConnectionError"],
  [TimeoutError, "TimeoutError"],
  [AbortError, "AbortError"],
]) {
  Object.defineProperty(cls.prototype, "name", { value: name, writable: true, configurable: true });
}

// JSON text of a value for the wasm side; undefined when JSON.stringify throws
// (cycles, BigInts, a throwing getter or a revoked Proxy), so no exception
// crosses into wasm. Functions, symbols and undefined at the top become
// "null". A value too deep for the engine's stack is cut below
// MAX_JSON_DEPTH + 1 levels: the core then reports the depth as a problem.
const MAX_JSON_DEPTH = 128;
export function jsonText(value, keys) {
  try {
    return JSON.stringify(value, keys) ?? "null";
  } catch (e) {
    if (!(e instanceof RangeError)) return undefined;
  }
  try {
    const depths = new WeakMap();
    return JSON.stringify(value, function (key, v) {
      const depth = key === "" && depths.get(this) === undefined ? 0 : (depths.get(this) ?? 0) + 1;
      if (depth > MAX_JSON_DEPTH + 1) return null;
      if (typeof v === "object" && v !== null) depths.set(v, depth);
      return v;
    }) ?? "null";
  } catch {
    return undefined;
  }
}

export function makeError(kind, message, code, field, details, problems, status, requestId) {
  switch (kind) {
    case "api": {
      const cls = API_ERRORS[status] ?? (status >= 500 ? ServerError : ApiError);
      return new cls(message, code, field, details, status, requestId);
    }
    case "connection":
      return new ConnectionError(message, code, field, details);
    case "timeout":
      return new TimeoutError(message, code, field, details);
    case "abort":
      return new AbortError(message, code, field, details);
    case "validation":
      return new ValidationError(message, problems);
    case "webhook":
      return new WebhookVerificationError(message, code, field, details);
    default:
      return new PeekerError(message, code, field, details);
  }
}

// The verifier's input and output, read on the JS side of verifyWebhook: JS
// expresses them in far fewer bytes than wasm, which keeps the
// verifier-only module small. The signature itself is checked in Rust.
// Each helper RETURNS its error (the caller throws it).

/** The raw body as bytes: a string (UTF-8), a Uint8Array, an ArrayBuffer or another view; undefined for anything else (a detached buffer, a revoked Proxy). */
export function webhookPayload(payload) {
  try {
    if (typeof payload === "string") return utf8.encode(payload);
    if (payload instanceof Uint8Array) return payload; // read, never kept: no copy
    if (payload instanceof ArrayBuffer) return new Uint8Array(payload);
    if (ArrayBuffer.isView(payload)) {
      // Other typed arrays and DataViews: their bytes, not their elements.
      return new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength);
    }
  } catch {
    // Unreadable: refused below.
  }
  return undefined;
}

/** Why `webhookPayload` refused a payload. */
export function webhookPayloadError(payload) {
  return new WebhookVerificationError(
    typeof payload === "object" && payload !== null
      ? "the payload is an object: pass the raw request body (a string from `await request.text()`, or its bytes), not parsed JSON; re-serialised JSON cannot be verified"
      : "the payload must be the raw request body: a string, a Uint8Array or an ArrayBuffer",
    "invalid_payload",
  );
}

/** One secret or several (rotation), each a non-empty string. */
export function webhookSecrets(secret) {
  let secrets;
  try {
    secrets = Array.isArray(secret) ? Array.from(secret) : [secret];
  } catch {
    secrets = [];
  }
  if (secrets.length === 0 || !secrets.every((s) => typeof s === "string" && s !== "")) {
    return new WebhookVerificationError(
      "the webhook secret must be a non-empty string, or an array of them during rotation",
      "invalid_secret",
    );
  }
  return secrets;
}

/** Longest accepted `toleranceSeconds`: a day. Longer would all but turn replay protection off. */
const MAX_TOLERANCE_SECONDS = 86_400;

/**
 * `options[name]` in whole seconds, or undefined when absent; an
 * `invalid_options` PeekerError (returned, not thrown) unless a finite
 * non-negative number — for `toleranceSeconds`, positive and at most a day.
 */
export function webhookSeconds(options, name) {
  if (typeof options !== "object" || options === null) return undefined;
  const value = get(options, name);
  if (value === undefined || value === null) return undefined;
  const tolerance = name === "toleranceSeconds";
  const ok = typeof value === "number" && Number.isFinite(value) &&
    (tolerance ? value > 0 && value <= MAX_TOLERANCE_SECONDS : value >= 0);
  if (!ok) {
    return new PeekerError(
      tolerance
        ? `options.toleranceSeconds must be a positive number of seconds, at most ${MAX_TOLERANCE_SECONDS} (a day)`
        : `options.${name} must be a non-negative number of seconds`,
      "invalid_options",
      name,
    );
  }
  return Math.floor(value);
}

const PEEKER_HEADERS = ["Peeker-Event-Id", "Peeker-Timestamp", "Peeker-Signature"];
// No `u` flag: `i` then folds ASCII letters only, as the Rust core compares names.
const PEEKER_HEADER_NAMES = [/^peeker-event-id$/i, /^peeker-timestamp$/i, /^peeker-signature$/i];

/**
 * [event id, timestamp, signature] from a Headers object (its `get`) or a
 * plain object (names in any case; arrays and repeats joined with ", ").
 */
export function webhookHeaders(headers) {
  try {
    return readPeekerHeaders(headers);
  } catch {
    // A throwing getter, a revoked Proxy: unreadable headers, never a throw into wasm.
    return new WebhookVerificationError("the request headers could not be read", "missing_header");
  }
}

function readPeekerHeaders(headers) {
  if (typeof headers !== "object" || headers === null) {
    return new WebhookVerificationError(
      "pass the request headers (a Headers object or a plain object)",
      "missing_header",
    );
  }
  const found = [undefined, undefined, undefined];
  const getter = get(headers, "get");
  if (typeof getter === "function") {
    PEEKER_HEADERS.forEach((name, i) => {
      try {
        const value = getter.call(headers, name);
        if (typeof value === "string") found[i] = value;
      } catch {
        // An unreadable header is a missing one.
      }
    });
    return found;
  }
  for (const [name, value] of Object.entries(headers)) {
    // Node's IncomingHttpHeaders joins repeats into arrays.
    const text =
      typeof value === "string"
        ? value
        : Array.isArray(value)
          ? Array.from(value).filter((v) => typeof v === "string").join(", ")
          : undefined;
    const i = PEEKER_HEADER_NAMES.findIndex((re) => re.test(name));
    if (text !== undefined && i >= 0) found[i] = found[i] === undefined ? text : `${found[i]}, ${text}`;
  }
  return found;
}

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

// Node's synchronous native HMAC (`node:crypto`), registered by the Node
// entries; elsewhere the wasm computes it.
let createHmac;
export function useNativeHmac(nodeCreateHmac) {
  createHmac = nodeCreateHmac;
}

/** HMAC-SHA256 of "{timestamp}.{body}" under each secret, by node:crypto, concatenated. */
function nativeMacs(secrets, timestamp, body) {
  const mac = (s) => createHmac("sha256", s).update(timestamp).update(".").update(body).digest();
  if (secrets.length === 1) return mac(secrets[0]);
  const out = new Uint8Array(32 * secrets.length);
  secrets.forEach((s, i) => out.set(mac(s), 32 * i));
  return out;
}

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

/** Why a delivery was refused, when no Error is wanted (handleWebhook). */
class Refused {
  constructor(code) {
    this.code = code;
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
    if (createHmac !== undefined && timestamp !== undefined) {
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
    if (timestamp === undefined || createHmac !== undefined || !globalThis.crypto?.subtle) {
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

/**
 * The envelope {id, type, created_at, data} of an authenticated body (the
 * string `payload` itself, or else the bytes `body`), its id checked against
 * Peeker-Event-Id.
 */
export function webhookEvent(payload, body, eventId) {
  try {
    return readEvent(payload, body, eventId);
  } catch {
    return new WebhookVerificationError("the body is not a Peeker event envelope {id, type, created_at, data}", "invalid_payload");
  }
}

function readEvent(payload, body, eventId) {
  let event;
  try {
    event = JSON.parse(typeof payload === "string" ? payload : utf8Strict.decode(body));
  } catch {
    event = undefined;
  }
  const isObject = (v) => typeof v === "object" && v !== null;
  if (
    !isObject(event) ||
    Array.isArray(event) ||
    typeof event.id !== "string" ||
    typeof event.type !== "string" ||
    typeof event.created_at !== "string" ||
    !isObject(event.data) ||
    Array.isArray(event.data)
  ) {
    return new WebhookVerificationError(
      "the body is not a Peeker event envelope {id, type, created_at, data}",
      "invalid_payload",
    );
  }
  if (eventId !== undefined && eventId !== event.id) {
    return new WebhookVerificationError(
      "Peeker-Event-Id does not equal the body's `id`; the delivery was tampered with or mixed up",
      "event_id_mismatch",
      "Peeker-Event-Id",
    );
  }
  return event;
}

// `handleWebhook`, for any Fetch API runtime. It lives here, in JS, so the
// verifier-only wasm carries no async machinery; `webhookVerifier` binds it to
// its module's verifier. A refused delivery builds no Error: answering a
// forgery costs no more than accepting a delivery.
const MAX_BODY_BYTES = 1024 * 1024;
const MALFORMED = ["missing_header", "invalid_header", "invalid_payload"];

const get = (object, key) => {
  try {
    return Reflect.get(object, key);
  } catch {
    return undefined;
  }
};

/** A JSON response that never echoes anything of the request. */
const respond = (status, code, message) =>
  new Response(status === 200 ? '{"received":true}' : JSON.stringify({ error: { code, message } }), {
    status,
    headers: { "content-type": "application/json" },
  });

const orThrow = (value) => {
  if (value instanceof Error) throw value;
  return value;
};

/** The body's bytes, or undefined as soon as it is over `limit` (no more is read). */
async function readAtMost(request, limit) {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}

function webhookHandler(verifyQuietly) {
  return async function handleWebhook(request, options) {
    const secrets = orThrow(webhookSecrets(get(options, "secret")));
    const onEvent = get(options, "onEvent");
    if (typeof onEvent !== "function") {
      throw new PeekerError("handleWebhook needs options.onEvent, a function", "invalid_request", "onEvent");
    }
    const toleranceSeconds = orThrow(webhookSeconds(options, "toleranceSeconds"));

    if (request.method !== "POST") {
      return respond(405, "method_not_allowed", "webhooks are delivered with POST");
    }
    const declared = request.headers.get("content-length")?.trim();
    // A decimal u64, as the Rust version read it; anything else is ignored.
    if (declared && /^\+?\d+$/.test(declared) && Number(declared) > MAX_BODY_BYTES && BigInt(declared) < 2n ** 64n) {
      return respond(413, "payload_too_large", "the body is over 1 MiB");
    }
    let body;
    try {
      body = await readAtMost(request, MAX_BODY_BYTES);
    } catch {
      return respond(400, "invalid_request", "the body could not be read");
    }
    if (body === undefined) {
      return respond(413, "payload_too_large", "the body is over 1 MiB");
    }
    // Verified bodies are JSON, hence UTF-8: the text is the exact raw body.
    let rawBody;
    try {
      rawBody = utf8Strict.decode(body);
    } catch {
      rawBody = undefined; // verification below refuses it
    }
    let event;
    try {
      event = verifyQuietly(rawBody ?? body, request.headers, secrets, { toleranceSeconds });
    } catch (error) {
      const code = typeof error?.code === "string" ? error.code : "";
      if (code === "invalid_secret") throw error;
      event = new Refused(code);
    }
    if (event instanceof Refused) {
      return respond(MALFORMED.includes(event.code) ? 400 : 401, event.code, "the delivery could not be verified");
    }
    try {
      const outcome = onEvent(event, { rawBody });
      if (typeof outcome?.then === "function") await outcome;
    } catch {
      return respond(500, "handler_failed", "the event handler failed; Peeker will retry");
    }
    return respond(200, "", "");
  };
}
