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
// Each helper RETURNS its error (Rust passes it on): an exception thrown into
// a wasm-bindgen `catch` import leaks an externref table slot.

/** The raw body as bytes: a string (UTF-8), a Uint8Array, an ArrayBuffer or another view; undefined for anything else (a detached buffer, a revoked Proxy). */
export function webhookPayload(payload) {
  try {
    if (typeof payload === "string") return utf8.encode(payload);
    if (payload instanceof Uint8Array || payload instanceof ArrayBuffer) return new Uint8Array(payload);
    if (ArrayBuffer.isView(payload)) {
      // Other typed arrays and DataViews: their bytes, not their elements.
      return new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength);
    }
  } catch {
    // Unreadable: refused below, never thrown into the wasm.
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

// Node's synchronous native HMAC (`node:crypto`), registered by the Node
// entries; elsewhere the wasm computes it. A native failure falls back too.
let createHmac;
export function useNativeHmac(nodeCreateHmac) {
  createHmac = nodeCreateHmac;
}
export function hasNativeHmac() {
  return createHmac !== undefined;
}
export function nativeHmac(secret, timestamp, payload, body, out) {
  try {
    const data = typeof payload === "string" ? payload : body;
    out.set(createHmac("sha256", secret).update(timestamp).update(".").update(data).digest());
    return true;
  } catch {
    return false;
  }
}

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

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
// verifier-only wasm carries no async machinery: each package entry binds it to
// its own module's `verifyWebhook` (`webhookHandler(verifyWebhook)`).
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

export function webhookHandler(verifyWebhook) {
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
      event = verifyWebhook(rawBody ?? body, request.headers, secrets, { toleranceSeconds });
    } catch (error) {
      const code = typeof error?.code === "string" ? error.code : "";
      if (code === "invalid_secret") throw error;
      return respond(MALFORMED.includes(code) ? 400 : 401, code, "the delivery could not be verified");
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
