//! Validation of request bodies and list queries (docs/contract.md#request-bodies).
//!
//! Each `parse_*` takes the body exactly as the caller passed it (any JSON
//! value) and returns the typed, normalised body, or every problem found:
//! it never stops at the first, never panics, and does linear, bounded work
//! whatever the input. `validate_*` is the same check returning just the
//! problems (empty when valid).
//!
//! Problems carry the API's codes (`invalid_request`, `order_shape_conflict`)
//! and a `field` path such as `personas[3].profile_picture_url`. Messages echo
//! bad values shortened to 60 characters, and never echo a password.

mod bodies;
pub mod names;
mod queries;
pub(crate) mod read;
pub mod roots;

use crate::error::Problem;
use crate::model::requests::*;
use serde_json::Value;

pub use names::{display_domain, normalize_domain};
pub use queries::{Kind, Param, Query};
pub use roots::{is_registrable, registrable_root};

/// The warnings for a domain name (see [`names::mixed_script_labels`]), as
/// `domainWarnings` returns them: `{code: "mixed_script", domain, label,
/// scripts, message}`.
pub fn domain_warnings(name: &str) -> Value {
    let Ok(domain) = normalize_domain(name) else {
        return Value::Array(Vec::new());
    };
    let warnings = names::mixed_script_labels(&domain)
        .into_iter()
        .map(|m| {
            let message = format!(
                "the label '{}' mixes {} letters, as look-alike names do; browsers show it as punycode ({domain})",
                m.label,
                and_list(&m.scripts)
            );
            crate::json::object(vec![
                ("code", "mixed_script".into()),
                ("domain", domain.as_str().into()),
                ("label", m.label.into()),
                ("scripts", m.scripts.into()),
                ("message", message.into()),
            ])
        })
        .collect();
    Value::Array(warnings)
}

/// "A", "A and B", "A, B and C".
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// At most this many problems are returned; the last one then says how many
/// more were found. Keeps the answer to a pathological body small.
pub const MAX_PROBLEMS: usize = 200;

fn capped<T>(r: Result<T, Vec<Problem>>) -> Result<T, Vec<Problem>> {
    r.map_err(|mut problems| {
        if problems.len() > MAX_PROBLEMS {
            let more = problems.len() - (MAX_PROBLEMS - 1);
            problems.truncate(MAX_PROBLEMS - 1);
            problems.push(
                Problem::invalid(
                    "",
                    format!("{more} more problems were found and not listed"),
                )
                .with_details(crate::json::object(vec![
                    ("reason", "more_problems".into()),
                    ("count", more.into()),
                ])),
            );
        }
        problems
    })
}

/// A list query's values to send, in its parameter order (see [`Query`]).
pub fn read_query(
    query: &Value,
    params: &[Param],
) -> Result<serde_json::Map<String, Value>, Vec<Problem>> {
    capped(queries::read(query, params))
}

macro_rules! entry_points {
    ($($(#[$doc:meta])* $parse:ident, $check:ident => $ty:ty = $inner:path;)+) => {$(
        $(#[$doc])*
        pub fn $parse(body: &Value) -> Result<$ty, Vec<Problem>> {
            capped($inner(body))
        }

        #[doc = concat!("The problems [`", stringify!($parse), "`] finds; empty when the body is valid.")]
        pub fn $check(body: &Value) -> Vec<Problem> {
            $parse(body).err().unwrap_or_default()
        }
    )+};
}

entry_points! {
    /// `POST /bundles`.
    parse_create_bundle, validate_create_bundle => CreateBundle = bodies::parse_create_bundle;
    /// `PATCH /bundles/{id}`; `google_percent: null` is kept apart from absent.
    parse_update_bundle, validate_update_bundle => UpdateBundle = bodies::parse_update_bundle;
    /// `POST /users`.
    parse_create_user, validate_create_user => CreateUser = bodies::parse_create_user;
    /// `PATCH /users/{id}`.
    parse_update_user, validate_update_user => UpdateUser = bodies::parse_update_user;
    /// `POST /domains/availability` (1–50 names).
    parse_availability, validate_availability => AvailabilityRequest = bodies::parse_availability;
    /// `POST /domains/import` (1–25 registrable root domains).
    parse_import, validate_import => ImportRequest = bodies::parse_import;
    /// `POST /domains/import/jobs` (1–500 registrable root domains).
    parse_import_job, validate_import_job => ImportJobRequest = bodies::parse_import_job;
    /// `POST /domains/forwarding` (1–25 domains and an http(s) URL).
    parse_forwarding, validate_forwarding => ForwardingRequest = bodies::parse_forwarding;
    /// `POST /orders`, newest shape only.
    parse_create_order, validate_create_order => CreateOrder = bodies::parse_create_order;
    /// `POST /orders/{id}/cancel`; `null` means no body (the whole order).
    parse_cancel_order, validate_cancel_order => CancelOrder = bodies::parse_cancel_order;
    /// `POST /swaps`.
    parse_create_swap, validate_create_swap => CreateSwap = bodies::parse_create_swap;
    /// `POST /swaps/user_names`.
    parse_user_name_swap, validate_user_name_swap => UserNameSwap = bodies::parse_user_name_swap;
    /// `GET /bundles` query; `null` is no options.
    parse_list_bundles, validate_list_bundles => ListBundlesQuery = queries::parse::<ListBundlesQuery>;
    /// `GET /users` query.
    parse_list_users, validate_list_users => ListUsersQuery = queries::parse::<ListUsersQuery>;
    /// `GET /domains` query.
    parse_list_domains, validate_list_domains => ListDomainsQuery = queries::parse::<ListDomainsQuery>;
    /// `GET /orders` query.
    parse_list_orders, validate_list_orders => ListOrdersQuery = queries::parse::<ListOrdersQuery>;
    /// `GET /orders/pending` query.
    parse_list_pending, validate_list_pending => ListPendingQuery = queries::parse::<ListPendingQuery>;
    /// `GET /swaps` query.
    parse_list_swaps, validate_list_swaps => ListSwapsQuery = queries::parse::<ListSwapsQuery>;
    /// `GET /domains/import?domains=…` lookup.
    parse_import_lookup, validate_import_lookup => ImportLookupQuery = queries::parse::<ImportLookupQuery>;
}

/// Deepest nesting a body may have (serde_json's own recursion limit).
pub const MAX_DEPTH: usize = 128;

/// The problem with JSON text nested deeper than [`MAX_DEPTH`], naming the
/// top-level field that holds the deep part (`""` when the body itself is
/// an array); `None` when the text is not that deep.
pub fn depth_problem(text: &str) -> Option<Problem> {
    let bytes = text.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    // The last string seen directly inside the top-level object: its key.
    let mut top_key: Option<String> = None;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                let end = i.min(bytes.len());
                if depth == 1 && bytes.first() == Some(&b'{') {
                    // Keys at the top level of an object; a value string there
                    // is overwritten by the next key before it matters.
                    let raw = text.get(start..end).unwrap_or_default();
                    // Unescaped as a JSON string.
                    top_key = match crate::json::parse(&format!("\"{raw}\"")) {
                        Some(Value::String(key)) => Some(key),
                        _ => None,
                    };
                }
            }
            b'{' | b'[' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    let field = if text.trim_start().starts_with('{') {
                        top_key.unwrap_or_default()
                    } else {
                        String::new()
                    };
                    return Some(
                        Problem::invalid(
                            names::show(&field),
                            format!("nested deeper than {MAX_DEPTH} levels; no request body is that deep"),
                        )
                        .with_details(crate::json::object(vec![
                            ("reason", "too_deep".into()),
                            ("max_depth", MAX_DEPTH.into()),
                        ])),
                    );
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod depth_tests {
    use super::*;

    #[test]
    fn too_deep_names_the_top_level_field() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert_eq!(depth_problem(&deep(128)), None);
        let p = depth_problem(&deep(129)).unwrap();
        assert_eq!((p.code.as_str(), p.field.as_str()), ("invalid_request", ""));
        let body = format!(r#"{{"user": "a\"b", "personas": {}}}"#, deep(100_000));
        let p = depth_problem(&body).unwrap();
        assert_eq!(p.field, "personas");
        let ok = format!(r#"{{"a": "{}"}}"#, "[".repeat(500));
        assert_eq!(depth_problem(&ok), None);
    }
}
