// The error classes every part of peeker-partner throws. Rust constructs them
// through wasm-bindgen; the package entries re-export this very module so
// `instanceof` works for callers.

/** Base class: every error this package throws is a PeekerError. */
export class PeekerError extends Error {
  constructor(message, code, field, details) {
    super(message);
    /** Stable machine code: the API's own where one exists. */
    this.code = code;
    /** Path of the field at fault, e.g. `personas[3].profile_picture_url`, or undefined. */
    this.field = field ?? undefined;
    /** Structured extras, or undefined. */
    this.details = details ?? undefined;
  }
}

/** The input was refused before any request was made; `problems` lists every problem. */
export class ValidationError extends PeekerError {
  constructor(message, problems) {
    super(message, "validation_failed", problems?.[0]?.field, undefined);
    this.problems = problems ?? [];
  }
}

/** A webhook could not be verified; `code` says why (see the README). */
export class WebhookVerificationError extends PeekerError {}

/**
 * The API answered with an error (4xx/5xx). `status` is the HTTP status,
 * `code`/`field`/`details` come from the error envelope, `requestId` from the
 * `Peeker-Request-Id` header: quote it to support.
 */
export class ApiError extends PeekerError {
  constructor(message, code, field, details, status, requestId) {
    super(message, code, field, details);
    this.status = status;
    this.requestId = requestId ?? undefined;
  }
}
/** 401: the key is missing, malformed or revoked. */
export class AuthenticationError extends ApiError {}
/** 403: the key's permission preset does not allow this call. */
export class PermissionError extends ApiError {}
/** 404: no such record in this account. */
export class NotFoundError extends ApiError {}
/** 409: a conflict, such as a user email already in use. */
export class ConflictError extends ApiError {}
/** 422: the request was understood but cannot be done (domain split, unavailable domain). */
export class UnprocessableError extends ApiError {}
/** 429: over the rate limit, still so after the client's retries. */
export class RateLimitError extends ApiError {}
/** 5xx: the server failed, still so after the client's retries. */
export class ServerError extends ApiError {}
/** No answer: the connection failed. */
export class ConnectionError extends PeekerError {}
/** No answer within `timeoutMs`. Also a ConnectionError. */
export class TimeoutError extends ConnectionError {}
/** The caller's `signal` aborted the call. */
export class AbortError extends PeekerError {}

const API_ERRORS = {
  401: AuthenticationError,
  403: PermissionError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableError,
  429: RateLimitError,
};

// Names as literals: minifiers rename classes, and partners log `err.name`.
for (const [cls, name] of [
  [PeekerError, "PeekerError"],
  [ValidationError, "ValidationError"],
  [WebhookVerificationError, "WebhookVerificationError"],
  [ApiError, "ApiError"],
  [AuthenticationError, "AuthenticationError"],
  [PermissionError, "PermissionError"],
  [NotFoundError, "NotFoundError"],
  [ConflictError, "ConflictError"],
  [UnprocessableError, "UnprocessableError"],
  [RateLimitError, "RateLimitError"],
  [ServerError, "ServerError"],
  [ConnectionError, "ConnectionError"],
  [TimeoutError, "TimeoutError"],
  [AbortError, "AbortError"],
]) {
  Object.defineProperty(cls.prototype, "name", { value: name, writable: true, configurable: true });
}

/** The error of `kind` ("api", "connection", ..., "webhook"), for the Rust side. */
export function makeError(kind, message, code, field, details, problems, status, requestId) {
  switch (kind) {
    case "api": {
      const cls = API_ERRORS[status] ?? (status >= 500 ? ServerError : ApiError);
      return new cls(message, code, field, details, status, requestId);
    }
    case "connection":
      return new ConnectionError(message, code, field, details);
    case "timeout":
      return new TimeoutError(message, code, field, details);
    case "abort":
      return new AbortError(message, code, field, details);
    case "validation":
      return new ValidationError(message, problems);
    case "webhook":
      return new WebhookVerificationError(message, code, field, details);
    default:
      return new PeekerError(message, code, field, details);
  }
}
