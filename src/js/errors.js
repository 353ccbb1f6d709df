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

// Names as literals: minifiers rename classes, and partners log `err.name`.
for (const [cls, name] of [
  [PeekerError, "PeekerError"],
  [ValidationError, "ValidationError"],
  [WebhookVerificationError, "WebhookVerificationError"],
]) {
  Object.defineProperty(cls.prototype, "name", { value: name, writable: true, configurable: true });
}

export function makeError(kind, message, code, field, details, problems) {
  switch (kind) {
    case "validation":
      return new ValidationError(message, problems);
    case "webhook":
      return new WebhookVerificationError(message, code, field, details);
    default:
      return new PeekerError(message, code, field, details);
  }
}
