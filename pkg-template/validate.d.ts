/**
 * peeker-partner/validate: the validators, the domain split and plan, bundle
 * sizing and the request builders, with their own wasm (no client, no verifier).
 *
 * @example Fill a bundle's split with the cheapest available domains
 * ```ts
 * import { requiredDomains, planDomains, checkDomainSplit } from "peeker-partner/validate";
 * const required = requiredDomains({ monthly_sending_volume: 25000 }); // { google: 15, microsoft: 4, total: 19 }
 * const plan = planDomains(required, availabilityRows);
 * const split = checkDomainSplit(required, pickedRows); // split.ok, split.problems
 * ```
 *
 * @packageDocumentation
 */
