//! The error classes from the error table (src/error/classes.rs):
//! `src/js/errors.js` (the one copy every entry shares, so `instanceof`
//! holds across entries), its re-export `pkg-template/errors.js`, and the
//! declarations `pkg-template/errors.d.ts`.

use super::HEADER;
use peeker_partner::error::classes::{status_label, ErrorClass, API_ERROR, CLASSES};
use peeker_partner::error::codes::VALIDATION_FAILED;
use peeker_partner::error::docs::DOCS_URL;
use std::fmt::Write as _;

/// What a class adds to its parent, as (JS members, TypeScript members).
/// Only the classes that carry state have any: their constructors are
/// behaviour, so they are written here, once, beside their declarations.
fn members(class: &str) -> Option<(String, String)> {
    let (js, ts) = match class {
        "PeekerError" => (
            "  constructor(message, code, field, details) {
    super(docLink(message, code));
    this.code = code;
    this.field = field ?? undefined;
    this.details = details ?? undefined;
  }"
            .to_owned(),
            "  /** Stable machine code: the API's own where one exists (`invalid_request`, `domain_count_mismatch`, ...). */
  readonly code: string;
  /** Path of the field at fault, such as `personas[3].profile_picture_url`. */
  readonly field: string | undefined;
  /** Structured extras. */
  readonly details: Record<string, unknown> | undefined;"
                .to_owned(),
        ),
        "ValidationError" => (
            format!(
                "  constructor(message, problems) {{
    super(message, {VALIDATION_FAILED:?}, problems?.[0]?.field, undefined);
    this.problems = problems ?? [];
  }}"
            ),
            format!(
                "  readonly code: {VALIDATION_FAILED:?};
  readonly problems: Problem[];"
            ),
        ),
        "WebhookVerificationError" => (
            String::new(),
            "  readonly code: WebhookErrorCode;
  /** Why, in words: set for `handleWebhook`'s `onError` where the entry has `diagnoseWebhook`. */
  readonly diagnosis?: WebhookDiagnosis;"
                .to_owned(),
        ),
        "ApiError" => (
            "  constructor(message, code, field, details, status, requestId) {
    super(message, code, field, details);
    this.status = status;
    this.requestId = requestId ?? undefined;
  }"
            .to_owned(),
            "  /** The error envelope's code (a newer API may send one this version does not list). */
  readonly code: ErrorCode;
  /** The HTTP status. */
  readonly status: number;
  /** `Peeker-Request-Id` of the answer: quote it to support. */
  readonly requestId: string | undefined;"
                .to_owned(),
        ),
        _ => return None,
    };
    Some((js, ts))
}

/// A class's doc line: an API error's statuses first (`401: …`).
fn class_doc(class: &ErrorClass) -> String {
    if class.name == API_ERROR || class.answers.is_empty() {
        return class.doc.to_owned();
    }
    let statuses: Vec<String> = class.answers.iter().map(status_label).collect();
    format!("{}: {}", statuses.join(", "), class.doc)
}

/// `{ ... }` of a class: its members, or nothing.
fn body(members: &str) -> String {
    if members.is_empty() {
        "{}".to_owned()
    } else {
        format!("{{\n{members}\n}}")
    }
}

/// Every class of the table, with the members `pick` takes (JS or TS),
/// each written by `shape` from its name, parent and body.
fn write_classes(
    out: &mut String,
    pick: fn((String, String)) -> String,
    shape: fn(&str, &str, &str) -> String,
) {
    for class in CLASSES {
        let members = members(class.name).map(pick).unwrap_or_default();
        let _ = write!(
            out,
            "\n/** {} */\n{}\n",
            class_doc(class),
            shape(class.name, class.parent, &body(&members))
        );
    }
}

pub fn errors_js() -> String {
    let mut out = format!(
        "// {HEADER}.\n\
         // The error classes every part of peeker-partner throws. Rust constructs them\n\
         // through makeError, naming the class; the package entries re-export this very\n\
         // module so `instanceof` works for callers.\n"
    );
    let _ = write!(
        out,
        "\n/** `message` ending with the link to `code`'s section of docs/errors.md (once). */\n\
         export function docLink(message, code, link = `; see {DOCS_URL}#${{code}}`) {{\n  \
           return String(message).endsWith(link) ? message : message + link;\n\
         }}\n"
    );
    out.push_str(
        r#"
// Names as literals: minifiers rename classes, and partners log `err.name`.
// Each call is marked pure, so that a bundle keeps only the classes it uses.
function named(cls, name) {
  Object.defineProperty(cls.prototype, "name", { value: name, writable: true, configurable: true });
  return cls;
}
"#,
    );
    write_classes(
        &mut out,
        |m| m.0,
        |name, parent, body| {
            format!("export const {name} = /* @__PURE__ */ named(class {name} extends {parent} {body}, \"{name}\");")
        },
    );
    out.push_str("\nconst CLASSES = {\n");
    for class in CLASSES {
        let _ = writeln!(out, "  {},", class.name);
    }
    out.push_str(
        r#"};

/** The error of the class `name`, for the Rust side (which picks the class from the error table). */
export function makeError(name, message, code, field, details, problems, status, requestId) {
  if (name === "ValidationError") return new ValidationError(message, problems);
  const cls = CLASSES[name] ?? PeekerError;
  return new cls(message, code, field, details, status, requestId);
}
"#,
    );
    out
}

/// The package's errors.js: the wasm glue's copy re-exported (the build
/// fills in its path).
pub fn package_errors_js() -> String {
    let mut out = format!(
        "// {HEADER}.\n\
         // Re-exports the one copy of the error classes that the wasm glue uses, so\n\
         // `err instanceof PeekerError` holds for every error this package throws.\n\
         export {{\n"
    );
    for class in CLASSES {
        let _ = writeln!(out, "  {},", class.name);
    }
    out.push_str("} from \"__ERRORS_JS__\";\n");
    out
}

pub fn errors_ts() -> String {
    let mut out = format!(
        "// {HEADER}.\nimport type {{ ErrorCode, Problem, WebhookDiagnosis, WebhookErrorCode }} from \"./peeker_partner.js\";\n"
    );
    write_classes(
        &mut out,
        |m| m.1,
        |name, parent, body| format!("export class {name} extends {parent} {body}"),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_written_for_classes_of_the_table_only() {
        for name in [
            "PeekerError",
            "ValidationError",
            "WebhookVerificationError",
            "ApiError",
        ] {
            assert!(CLASSES.iter().any(|c| c.name == name), "{name}");
            assert!(members(name).is_some(), "{name}");
        }
    }
}
