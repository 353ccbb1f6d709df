import type { ErrorCode, Problem, WebhookErrorCode } from "./peeker_partner.js";

/** Base class: every error this package throws is a PeekerError. */
export class PeekerError extends Error {
  /** Stable machine code: the API's own where one exists (`invalid_request`, `domain_count_mismatch`, ...). */
  readonly code: string;
  /** Path of the field at fault, such as `personas[3].profile_picture_url`. */
  readonly field: string | undefined;
  /** Structured extras. */
  readonly details: Record<string, unknown> | undefined;
}

/** The input was refused before any request was made; `problems` lists every problem found. */
export class ValidationError extends PeekerError {
  readonly code: "validation_failed";
  readonly problems: Problem[];
}

/** A webhook could not be verified. */
export class WebhookVerificationError extends PeekerError {
  readonly code: WebhookErrorCode;
}

/** The API answered an error. */
export class ApiError extends PeekerError {
  /** The error envelope's code (a newer API may send one this version does not list). */
  readonly code: ErrorCode;
  /** The HTTP status. */
  readonly status: number;
  /** `Peeker-Request-Id` of the answer: quote it to support. */
  readonly requestId: string | undefined;
}
/** 401: the key is missing, malformed or revoked. */
export class AuthenticationError extends ApiError {}
/** 403: the key's preset does not allow this call; use a full key. */
export class PermissionError extends ApiError {}
/** 404: no such record in this key's account. */
export class NotFoundError extends ApiError {}
/** 409: a conflict, such as a user email in use. */
export class ConflictError extends ApiError {}
/** 422: valid but cannot be done (`domain_count_mismatch`, `domain_unavailable`). */
export class UnprocessableError extends ApiError {}
/** 429: still rate limited after the retries. */
export class RateLimitError extends ApiError {}
/** 5xx: the server failed, after the retries. */
export class ServerError extends ApiError {}
/** No answer: the connection failed. */
export class ConnectionError extends PeekerError {}
/** No answer within `timeoutMs`. */
export class TimeoutError extends ConnectionError {}
/** The caller's signal aborted the call. */
export class AbortError extends PeekerError {}
