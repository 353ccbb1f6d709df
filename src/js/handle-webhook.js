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

/** A function option, or undefined when absent; a PeekerError (thrown) when it is something else. */
function callback(options, name, required) {
  const value = get(options, name);
  if (typeof value === "function" || (value === undefined && !required)) return value;
  throw new PeekerError(`handleWebhook needs options.${name}, a function`, "invalid_request", name);
}

/**
 * handleWebhook over a `checkWebhook` (verifier.js), which returns refusals.
 * `diagnosis`: a function giving (maybe asynchronously) the module's
 * `diagnoseWebhook`, or undefined where the entry's wasm has none.
 */
export function webhookHandler(checkWebhook, diagnosis) {
  return async function handleWebhook(request, options) {
    const secrets = orThrow(webhookSecrets(get(options, "secret")));
    const onEvent = callback(options, "onEvent", true);
    const onError = callback(options, "onError", false);
    const toleranceSeconds = orThrow(webhookSeconds(options, "toleranceSeconds"));
    if (typeof get(get(request, "headers"), "get") !== "function") {
      throw new PeekerError(
        "handleWebhook needs a Fetch API Request: a route handler's `request` (Next.js), `c.req.raw` (Hono); " +
          'in Express, call verifyWebhook(req.body, req.headers, secret) with `express.raw({ type: "application/json" })` on the route',
        "invalid_request",
        "request",
      );
    }

    /** Hands a refusal's reason to `onError` (the sender's answer stays vague), with the diagnosis when the body was read. */
    const report = async (error, body) => {
      try {
        const diagnose = body === undefined ? undefined : await diagnosis?.();
        if (diagnose) error.diagnosis = diagnose(body, request.headers, secrets, { toleranceSeconds });
      } catch {
        // Without a diagnosis the error still says which check failed.
      }
      try {
        await onError(error, request);
      } catch {
        // Logging failed: the sender still gets its answer.
      }
    };

    if (request.method !== "POST") {
      if (onError) await report(new PeekerError(`a ${request.method} request: webhooks are delivered with POST`, "method_not_allowed"));
      return respond(405, "method_not_allowed", "webhooks are delivered with POST");
    }
    const declared = request.headers.get("content-length")?.trim();
    // A decimal u64, as the Rust version read it; anything else is ignored.
    if (declared && /^\+?\d+$/.test(declared) && Number(declared) > MAX_BODY_BYTES && BigInt(declared) < 2n ** 64n) {
      if (onError) await report(new PeekerError(`Content-Length is ${declared}, over 1 MiB`, "payload_too_large"));
      return respond(413, "payload_too_large", "the body is over 1 MiB");
    }
    let body;
    try {
      body = await readAtMost(request, MAX_BODY_BYTES);
    } catch {
      if (onError) {
        await report(new PeekerError(
          "the request body could not be read: was it read before handleWebhook (`request.json()`, `request.text()`, a middleware)? Let handleWebhook read it",
          "invalid_request",
        ));
      }
      return respond(400, "invalid_request", "the body could not be read");
    }
    if (body === undefined) {
      if (onError) await report(new PeekerError("the body is over 1 MiB", "payload_too_large"));
      return respond(413, "payload_too_large", "the body is over 1 MiB");
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
      if (onError) await report(new WebhookVerificationError(checked.message, checked.code, checked.field), rawBody ?? body);
      return respond(MALFORMED.includes(checked.code) ? 400 : 401, checked.code, "the delivery could not be verified");
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
