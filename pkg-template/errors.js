// Re-exports the one copy of the error classes that the wasm glue uses, so
// `err instanceof PeekerError` holds for every error this package throws.
export {
  PeekerError,
  ValidationError,
  WebhookVerificationError,
  ApiError,
  AuthenticationError,
  PermissionError,
  NotFoundError,
  ConflictError,
  UnprocessableError,
  RateLimitError,
  ServerError,
  ConnectionError,
  TimeoutError,
  AbortError,
} from "__ERRORS_JS__";
