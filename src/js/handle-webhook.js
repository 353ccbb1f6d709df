// `handleWebhook`, for any Fetch API runtime. It lives here, in JS, so the
// verifier-only wasm carries no async machinery; `webhookVerifier`
// (verifier.js) binds it to its module's `checkWebhook`. A refused delivery
// builds no Error unless `onError` asks for one: answering a forgery costs no
// more than accepting a delivery.
import { PeekerError, WebhookVerificationError } from "./errors.js";
import { get, orThrow, webhookSecrets, webhookSeconds } from "./webhook-input.js";
import { utf8Strict } from "./envelope.js";
import { readAtMost } from "./read-capped.js";

const MAX_BODY_BYTES = 1024 * 1024;
const MALFORMED = ["missing_header", "invalid_header", "invalid_payload"];

/** A JSON response that never echoes anything of the request. */
const respond = (status, code, message) =>
  new Response(status === 200 ? '{"received":true}' : JSON.stringify({ error: { code, message } }), {
    status,
    headers: { "content-type": "application/json" },
  });

/**
 * handleWebhook over a `checkWebhook` (verifier.js), which returns refusals.
 * `diagnosis`: a function giving (maybe asynchronously) the module's
 * `diagnoseWebhook`, or undefined where the entry's wasm has none.
 */
export function webhookHandler(checkWebhook, diagnosis) {
  return async function handleWebhook(request, options) {
    const secrets = orThrow(webhookSecrets(get(options, "secret")));
    const onEvent = get(options, "onEvent");
    const onError = get(options, "onError");
    if (typeof onEvent !== "function") {
      throw new PeekerError("handleWebhook needs options.onEvent, a function", "invalid_request", "onEvent");
    }
    if (onError !== undefined && typeof onError !== "function") {
      throw new PeekerError("options.onError must be a function", "invalid_request", "onError");
    }
    const toleranceSeconds = orThrow(webhookSeconds(options, "toleranceSeconds"));
    if (typeof get(get(request, "headers"), "get") !== "function") {
      throw new PeekerError(
        "handleWebhook takes a Fetch API Request (Hono: c.req.raw; Express: verifyWebhook)",
        "invalid_request",
      );
    }

    /**
     * The answer to a refused delivery (`answer` is all the sender learns);
     * `onError` gets why (`error`, else the answer as a PeekerError) and,
     * when the body was read, the diagnosis. Its own failures are ignored.
     */
    const refuse = async (status, code, answer, error, body) => {
      if (onError) {
        error ??= new PeekerError(answer, code);
        if (body) {
          try {
            error.diagnosis = (await diagnosis?.())?.(body, request.headers, secrets, { toleranceSeconds });
          } catch {
            // No diagnosis here (a bundled receiver): onError still runs.
          }
        }
        try {
          await onError(error, request);
        } catch {
          // Logging failed: the sender still gets its answer.
        }
      }
      return respond(status, code, answer);
    };

    // Not a delivery at all (a probe, a browser): no onError.
    if (request.method !== "POST") {
      return respond(405, "method_not_allowed", "webhooks are delivered with POST");
    }
    const declared = request.headers.get("content-length")?.trim();
    // A decimal u64, as the Rust version read it; anything else is ignored.
    if (declared && /^\+?\d+$/.test(declared) && Number(declared) > MAX_BODY_BYTES && BigInt(declared) < 2n ** 64n) {
      return refuse(413, "payload_too_large", "the body is over 1 MiB");
    }
    let body;
    try {
      body = await readAtMost(request, MAX_BODY_BYTES);
    } catch {
      // Most often read already, by `request.json()` or a middleware.
      return refuse(400, "invalid_request", "the body could not be read");
    }
    if (body === undefined) {
      return refuse(413, "payload_too_large", "the body is over 1 MiB");
    }
    // Verified bodies are JSON, hence UTF-8: the text is the exact raw body.
    let rawBody;
    try {
      rawBody = utf8Strict.decode(body);
    } catch {
      rawBody = undefined; // verification below refuses it
    }
    // Refusals come back as values; only the caller's mistakes throw.
    const checked = checkWebhook(rawBody ?? body, request.headers, secrets, { toleranceSeconds });
    if (!checked.ok) {
      return refuse(
        MALFORMED.includes(checked.code) ? 400 : 401,
        checked.code,
        "the delivery could not be verified",
        onError && new WebhookVerificationError(checked.message, checked.code, checked.field),
        rawBody ?? body,
      );
    }
    try {
      const outcome = onEvent(checked.event, { rawBody });
      if (typeof outcome?.then === "function") await outcome;
    } catch {
      return respond(500, "handler_failed", "the event handler failed; Peeker will retry");
    }
    return respond(200, "", "");
  };
}
