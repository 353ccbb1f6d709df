/**
 * peeker-partner/webhooks: the webhook verifier alone (the smallest wasm), for
 * Workers and servers that only receive webhooks.
 *
 * @example A complete endpoint (Workers, Deno, Bun, Next.js route handlers)
 * ```ts
 * import { handleWebhook } from "peeker-partner/webhooks";
 * export default {
 *   fetch: (request: Request, env: { PEEKER_WEBHOOK_SECRET: string }) =>
 *     handleWebhook(request, {
 *       secret: env.PEEKER_WEBHOOK_SECRET.split(","),
 *       onEvent: (event) => store(event),
 *       // The sender is told nothing; the server logs why.
 *       onError: (error) => console.warn(`webhook refused: ${error.message}`),
 *     }),
 * };
 * ```
 *
 * The diagnosis of a refused delivery (`diagnoseWebhook`, and `error.diagnosis`
 * in `onError`) needs the main entry's wasm: import `handleWebhook` from
 * `peeker-partner` for it (in Node this entry loads it on the first refusal).
 *
 * @example Verify by hand
 * ```ts
 * import { verifyWebhook } from "peeker-partner/webhooks";
 * const event = verifyWebhook(await request.text(), request.headers, secret); // throws WebhookVerificationError
 * ```
 *
 * @packageDocumentation
 */
