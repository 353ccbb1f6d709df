// The verifier's input (body, headers, secrets, options), read on the JS side
// of verifyWebhook (verifier.js): JS expresses it in far fewer bytes
// than wasm, which keeps the verifier-only module small. The signature itself
// is checked in Rust.
// Each helper RETURNS its error (the caller throws it with `orThrow`).
import { PeekerError, WebhookVerificationError } from "./errors.js";

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

/** Why `webhookPayload` refused a payload: each usual mistake named, with the fix (docs/errors.md says more). */
export function webhookPayloadError(payload) {
  let why = payload == null ? `${payload}: nothing read it` : `a ${typeof payload}`;
  if (typeof payload === "object" && payload !== null) {
    let empty = false;
    try {
      empty = Object.keys(payload).length === 0;
    } catch {
      // Unreadable (a revoked Proxy): an object all the same.
    }
    why = empty ? "an empty object: nothing read it" : "a parsed object, not the raw text";
  }
  return new WebhookVerificationError(
    `the body is ${why}; pass the raw body (Express: express.raw({ type: "application/json" }), Next.js: await request.text(), Hono: await c.req.text())`,
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
const PEEKER_HEADER_INDEX = new Map(PEEKER_HEADERS.map((name, i) => [name.toLowerCase(), i]));

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
  for (const name of Object.keys(headers)) {
    // Other headers are skipped by their length, unread. toLowerCase finds
    // the candidate; the ASCII-only pattern decides (a Kelvin sign is no k).
    if (name.length !== 15 && name.length !== 16) continue;
    const i = PEEKER_HEADER_INDEX.get(name.toLowerCase());
    if (i === undefined || !PEEKER_HEADER_NAMES[i].test(name)) continue;
    const value = headers[name];
    // Node's IncomingHttpHeaders joins repeats into arrays.
    const text =
      typeof value === "string"
        ? value
        : Array.isArray(value)
          ? Array.from(value).filter((v) => typeof v === "string").join(", ")
          : undefined;
    if (text !== undefined) found[i] = found[i] === undefined ? text : `${found[i]}, ${text}`;
  }
  return found;
}

/**
 * diagnoseWebhook's inputs (src/js/diagnose.rs), read as verifyWebhook reads
 * them: `{ body, headers, secrets, tolerance, now }`, headers as every name
 * and value in turn (repeats kept: a repeat is a cause), or `{ error }`. A
 * missing or empty secret is diagnosed, not refused.
 */
export function diagnosisInput(payload, headers, secret, options) {
  try {
    const body = webhookPayload(payload);
    if (body === undefined) return { error: webhookPayloadError(payload) };
    if (typeof headers !== "object" || headers === null) return { error: readPeekerHeaders(headers) };
    const pairs = [];
    const add = (name, value) => {
      for (const v of Array.isArray(value) ? value : [value]) if (typeof v === "string") pairs.push(name, v);
    };
    if (typeof get(headers, "get") === "function") {
      for (const [name, value] of headers) add(name, value);
    } else {
      for (const [name, value] of Object.entries(headers)) add(name, value);
    }
    const secrets = (Array.isArray(secret) ? Array.from(secret) : [secret]).map((s) => (typeof s === "string" ? s : ""));
    const tolerance = orThrow(webhookSeconds(options, "toleranceSeconds")) ?? -1;
    const now = orThrow(webhookSeconds(options, "now")) ?? Math.floor(Date.now() / 1000);
    return { body, headers: pairs, secrets, tolerance, now };
  } catch (error) {
    return { error: error instanceof Error ? error : new WebhookVerificationError("the request headers could not be read", "missing_header") };
  }
}

/** `object[key]`, or undefined when reading it throws (a getter, a revoked Proxy): never a throw into wasm. */
export const get = (object, key) => {
  try {
    return Reflect.get(object, key);
  } catch {
    return undefined;
  }
};

export const utf8 = new TextEncoder();

/** A helper's answer, or the error it returned, thrown. */
export const orThrow = (value) => {
  if (value instanceof Error) throw value;
  return value;
};
