//! List queries. `null` (no options) is the empty query; filters with a closed
//! set of values are checked against it so a typo does not silently return an
//! empty page.

use super::names::show;
use super::read::{domain_list, DomainKind, Obj, Problems, MAX_TEXT_LEN, MAX_TOKEN_LEN};
use crate::error::Problem;
use crate::model::requests::*;
// Filters take the known values of the enums the responses carry.
use crate::model::{
    DomainCategory, OrderStatus, PendingActionStatus, Provider, SwapStatus, UserStatus,
};
use serde_json::Value;

/// Largest page the API serves.
pub const PER_PAGE_MAX: i64 = 100;
/// Names per `GET /domains/import?domains=…` lookup (kept well under URL limits).
pub const IMPORT_LOOKUP_MAX: usize = 100;

type Parsed<T> = Result<T, Problems>;

/// Reads a query object; `null` reads as `{}`.
fn open<'a>(v: &'a Value, known: &[&str], p: &mut Problems) -> Option<Obj<'a>> {
    static EMPTY: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    let v = if v.is_null() {
        EMPTY.get_or_init(|| Value::Object(Default::default()))
    } else {
        v
    };
    let o = Obj::open(v, "", p)?;
    o.reject_unknown(known, &[], p);
    Some(o)
}

fn per_page(o: &Obj<'_>, p: &mut Problems) -> Result<Option<u8>, ()> {
    o.opt_int("per_page", 1, PER_PAGE_MAX, p)
        .map(|n| n.and_then(|n| u8::try_from(n).ok()))
}

fn text(o: &Obj<'_>, key: &str, p: &mut Problems) -> Result<Option<String>, ()> {
    o.opt_string(key, MAX_TEXT_LEN, p)
}

fn token(o: &Obj<'_>, p: &mut Problems) -> Result<Option<String>, ()> {
    o.opt_string("page_token", MAX_TOKEN_LEN, p)
}

fn email(o: &Obj<'_>, key: &str, p: &mut Problems) -> Result<Option<String>, ()> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => o.email(key, v, p).map(Some).ok_or(()),
    }
}

/// A filter whose values the contract lists in full.
fn one_of(
    o: &Obj<'_>,
    key: &str,
    allowed: &[&str],
    p: &mut Problems,
) -> Result<Option<String>, ()> {
    let Some(s) = text(o, key, p)? else {
        return Ok(None);
    };
    if allowed.contains(&s.as_str()) {
        return Ok(Some(s));
    }
    p.push(Problem::invalid(
        o.path(key),
        format!(
            "{key} must be one of: {}; got \"{}\"",
            allowed.join(", "),
            show(&s)
        ),
    ));
    Err(())
}

fn done<T>(p: Problems, build: impl FnOnce() -> Option<T>) -> Parsed<T> {
    if !p.is_empty() {
        return Err(p);
    }
    build().ok_or_else(|| vec![Problem::invalid("", "the query is invalid")])
}

/// `GET /bundles`.
pub fn parse_list_bundles(v: &Value) -> Parsed<ListBundlesQuery> {
    let mut p = Problems::new();
    let Some(o) = open(v, &["status", "per_page", "page_token"], &mut p) else {
        return Err(p);
    };
    let status = one_of(&o, "status", BUNDLE_STATUS_FILTERS, &mut p);
    let per_page = per_page(&o, &mut p);
    let page_token = token(&o, &mut p);
    done(p, || {
        Some(ListBundlesQuery {
            status: status.ok()?,
            per_page: per_page.ok()?,
            page_token: page_token.ok()?,
        })
    })
}

/// `GET /users`.
pub fn parse_list_users(v: &Value) -> Parsed<ListUsersQuery> {
    let mut p = Problems::new();
    let Some(o) = open(v, &["email", "status", "per_page", "page_token"], &mut p) else {
        return Err(p);
    };
    let email = email(&o, "email", &mut p);
    let status = one_of(&o, "status", UserStatus::KNOWN, &mut p);
    let per_page = per_page(&o, &mut p);
    let page_token = token(&o, &mut p);
    done(p, || {
        Some(ListUsersQuery {
            email: email.ok()?,
            status: status.ok()?,
            per_page: per_page.ok()?,
            page_token: page_token.ok()?,
        })
    })
}

/// `GET /domains`. `status` is free text: the contract does not list it all.
pub fn parse_list_domains(v: &Value) -> Parsed<ListDomainsQuery> {
    let mut p = Problems::new();
    let known = &[
        "category",
        "user_id",
        "user_email",
        "usable_for",
        "status",
        "per_page",
        "page_token",
    ];
    let Some(o) = open(v, known, &mut p) else {
        return Err(p);
    };
    let category = one_of(&o, "category", DomainCategory::KNOWN, &mut p);
    let user_id = text(&o, "user_id", &mut p);
    let user_email = email(&o, "user_email", &mut p);
    let usable_for = one_of(&o, "usable_for", Provider::KNOWN, &mut p);
    let status = text(&o, "status", &mut p);
    let per_page = per_page(&o, &mut p);
    let page_token = token(&o, &mut p);
    done(p, || {
        Some(ListDomainsQuery {
            category: category.ok()?,
            user_id: user_id.ok()?,
            user_email: user_email.ok()?,
            usable_for: usable_for.ok()?,
            status: status.ok()?,
            per_page: per_page.ok()?,
            page_token: page_token.ok()?,
        })
    })
}

/// `GET /orders`.
pub fn parse_list_orders(v: &Value) -> Parsed<ListOrdersQuery> {
    let mut p = Problems::new();
    let known = &[
        "user_id",
        "user_email",
        "bundle_id",
        "status",
        "per_page",
        "page_token",
    ];
    let Some(o) = open(v, known, &mut p) else {
        return Err(p);
    };
    let user_id = text(&o, "user_id", &mut p);
    let user_email = email(&o, "user_email", &mut p);
    let bundle_id = text(&o, "bundle_id", &mut p);
    let status = one_of(&o, "status", OrderStatus::KNOWN, &mut p);
    let per_page = per_page(&o, &mut p);
    let page_token = token(&o, &mut p);
    done(p, || {
        Some(ListOrdersQuery {
            user_id: user_id.ok()?,
            user_email: user_email.ok()?,
            bundle_id: bundle_id.ok()?,
            status: status.ok()?,
            per_page: per_page.ok()?,
            page_token: page_token.ok()?,
        })
    })
}

/// `GET /orders/pending`.
pub fn parse_list_pending(v: &Value) -> Parsed<ListPendingQuery> {
    let mut p = Problems::new();
    let known = &[
        "order_id",
        "user",
        "domain_id",
        "status",
        "per_page",
        "page_token",
    ];
    let Some(o) = open(v, known, &mut p) else {
        return Err(p);
    };
    let order_id = text(&o, "order_id", &mut p);
    let user = match o.get("user") {
        Some(Value::String(s)) if s.trim().starts_with("usr_") => text(&o, "user", &mut p),
        _ => email(&o, "user", &mut p),
    };
    let domain_id = text(&o, "domain_id", &mut p);
    let status = one_of(&o, "status", PendingActionStatus::KNOWN, &mut p);
    let per_page = per_page(&o, &mut p);
    let page_token = token(&o, &mut p);
    done(p, || {
        Some(ListPendingQuery {
            order_id: order_id.ok()?,
            user: user.ok()?,
            domain_id: domain_id.ok()?,
            status: status.ok()?,
            per_page: per_page.ok()?,
            page_token: page_token.ok()?,
        })
    })
}

/// `GET /swaps`.
pub fn parse_list_swaps(v: &Value) -> Parsed<ListSwapsQuery> {
    let mut p = Problems::new();
    let known = &[
        "user_id",
        "order_id",
        "domain_id",
        "status",
        "per_page",
        "page_token",
    ];
    let Some(o) = open(v, known, &mut p) else {
        return Err(p);
    };
    let user_id = text(&o, "user_id", &mut p);
    let order_id = text(&o, "order_id", &mut p);
    let domain_id = text(&o, "domain_id", &mut p);
    let status = one_of(&o, "status", SwapStatus::KNOWN, &mut p);
    let per_page = per_page(&o, &mut p);
    let page_token = token(&o, &mut p);
    done(p, || {
        Some(ListSwapsQuery {
            user_id: user_id.ok()?,
            order_id: order_id.ok()?,
            domain_id: domain_id.ok()?,
            status: status.ok()?,
            per_page: per_page.ok()?,
            page_token: page_token.ok()?,
        })
    })
}

/// `GET /domains/import?domains=…`: 1–100 names, normalised, no repeats.
pub fn parse_import_lookup(v: &Value) -> Parsed<ImportLookupQuery> {
    let mut p = Problems::new();
    let Some(o) = Obj::open(v, "", &mut p) else {
        return Err(p);
    };
    o.reject_unknown(&["domains"], &[], &mut p);
    let domains = domain_list(
        &o,
        "domains",
        1,
        IMPORT_LOOKUP_MAX,
        DomainKind::Name,
        &mut p,
    );
    done(p, || Some(ImportLookupQuery { domains: domains? }))
}
