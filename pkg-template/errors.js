// Re-exports the one copy of the error classes that the wasm glue uses, so
// `err instanceof PeekerError` holds for every error this package throws.
export { PeekerError, ValidationError, WebhookVerificationError } from "__ERRORS_JS__";
