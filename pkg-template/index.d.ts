export * from "./peeker_partner.js";
export * from "./errors.js";
