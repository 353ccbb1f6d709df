// peeker-partner/validate: validators, the domain split and plan, bundle
// sizing and request builders, with their own smaller wasm (no client, no
// webhook verifier).
export {
  validateOrder,
  validateBundle,
  validateAvailabilityRequest,
  validateImport,
  validateForwarding,
  checkDomainSplit,
  planDomains,
  requiredDomains,
  buildRequest,
} from "./peeker_partner.js";
export * from "./types.js";
export * from "./errors.js";
// The error class wins over the wire type of the same name (still importable as ErrorEnvelope["error"]).
export { ApiError } from "./errors.js";
