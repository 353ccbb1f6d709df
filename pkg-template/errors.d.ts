import type { Problem } from "./peeker_partner.js";

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
  readonly code:
    | "missing_header"
    | "invalid_header"
    | "timestamp_out_of_range"
    | "signature_mismatch"
    | "invalid_payload"
    | "event_id_mismatch"
    | "invalid_secret";
}
