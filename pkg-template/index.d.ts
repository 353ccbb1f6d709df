export * from "./peeker_partner.js";
export * from "./errors.js";
// The error class wins over the wire type of the same name (still importable as ErrorEnvelope["error"]).
export { ApiError } from "./errors.js";
export * from "./client.js";
export * from "./watch.js";
