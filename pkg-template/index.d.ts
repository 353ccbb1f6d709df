/**
 * peeker-partner: validate orders, plan domain picks, build exact requests,
 * verify webhooks and call the Peeker Partner API, from one small wasm core.
 * This entry has everything; `peeker-partner/validate` and
 * `peeker-partner/webhooks` carry one job each, with a smaller wasm.
 *
 * @example Validate an order before it costs money
 * ```ts
 * import { validateOrder } from "peeker-partner";
 * const problems = validateOrder(order); // [] when valid, else every problem with its field
 * ```
 *
 * @example Call the API
 * ```ts
 * import { PeekerClient, ValidationError } from "peeker-partner";
 * const peeker = new PeekerClient({ apiKey: process.env.PEEKER_API_KEY });
 * for await (const order of peeker.orders.list({ status: "completed" })) console.log(order.id);
 * ```
 *
 * @packageDocumentation
 */
