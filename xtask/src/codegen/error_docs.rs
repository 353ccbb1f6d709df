//! docs/errors.md: a section per error code (the API's, with the error
//! table's class and advice for its status; the SDK's own, from
//! src/error/docs.rs) and per error class. Every message links its code's
//! section.

use peeker_partner::error::classes::{handling, CLASSES, GENERIC_ADVICE};
use peeker_partner::error::codes::DOCUMENTED;
use peeker_partner::error::docs::SDK_CODES;
use std::fmt::Write as _;

/// The status a code's doc line starts with (`400: …`).
fn status(doc: &str) -> Option<u16> {
    doc.split_once(':')?.0.parse().ok()
}

pub fn errors_md() -> String {
    let mut out = format!(
        "<!-- {}. -->\n\n\
         # Errors\n\n\
         Every error `peeker-partner` throws has a `code`, and its message ends with a link to\n\
         the code's section below: what causes it and what to do. The classes come after the\n\
         codes. Branch on `code` or on the class (`err instanceof RateLimitError`), never on\n\
         the message's text.\n\n\
         ## Codes the API answers\n\n",
        super::HEADER
    );
    for (code, doc) in DOCUMENTED {
        let (class, advice) = match status(doc).and_then(handling) {
            Some(h) => (h.class, h.answer.advice.unwrap_or(GENERIC_ADVICE)),
            None => ("ApiError", GENERIC_ADVICE),
        };
        let advice = advice.replace("{field}", "the field named by `field`");
        let _ = write!(
            out,
            "### `{code}`\n\nThrown as `{class}`. HTTP {doc}\n\nWhat to do: {advice}.\n\n"
        );
    }
    out.push_str("## Codes of the SDK\n\n");
    for c in SDK_CODES {
        let _ = write!(
            out,
            "### `{}`\n\nThrown as `{}`. {}\n\nWhat to do: {}\n\n",
            c.code, c.class, c.cause, c.fix
        );
    }
    out.push_str("## Classes\n\nEvery class extends `PeekerError`, which extends `Error`.\n\n");
    for class in CLASSES {
        let _ = write!(
            out,
            "### {}\n\nExtends `{}`. {}\n",
            class.name, class.parent, class.doc
        );
        for answer in class.answers {
            let _ = write!(
                out,
                "\n- HTTP {}: {}",
                peeker_partner::error::classes::status_label(answer),
                answer.meaning
            );
        }
        out.push_str("\n\n");
    }
    out.trim_end().to_owned() + "\n"
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_code_has_a_section_named_by_it() {
        let md = super::errors_md();
        for code in [
            "signature_mismatch",
            "rate_limited",
            "validation_failed",
            "invalid_payload",
        ] {
            assert!(md.contains(&format!("\n### `{code}`\n")), "{code}");
        }
        for code in peeker_partner::webhook::codes::ALL {
            assert!(md.contains(&format!("\n### `{code}`\n")), "{code}");
        }
        assert!(md.contains("Thrown as `RateLimitError`. HTTP 429: wait"));
    }
}
