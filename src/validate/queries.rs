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
use serde_json::{Map, Value};

type Parsed<T> = Result<T, Problems>;

/// What one query parameter takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text (ids, or a filter the contract does not list in full).
    Text,
    /// An opaque `page_token`.
    Token,
    /// An email address.
    Email,
    /// A `usr_…` id or an email address.
    UserRef,
    /// A filter whose values the contract lists in full.
    OneOf(&'static [&'static str]),
    /// 1..=[`PER_PAGE_MAX`].
    PerPage,
    /// The lookup's 1..=[`IMPORT_LOOKUP_MAX`] domain names (required).
    Domains,
}

/// One query parameter: its name on the wire and what it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    pub key: &'static str,
    pub kind: Kind,
}

const fn param(key: &'static str, kind: Kind) -> Param {
    Param { key, kind }
}

const PER_PAGE: Param = param("per_page", Kind::PerPage);
const PAGE_TOKEN: Param = param("page_token", Kind::Token);

/// A list query's parameters, in the order the typed query declares its
/// fields (and so the order they are sent in). One table drives the check,
/// the typed parse and the request's query pairs: the validate wasm carries
/// one reader, not one per query type.
pub trait Query: serde::de::DeserializeOwned {
    const PARAMS: &'static [Param];
}

impl Query for ListBundlesQuery {
    const PARAMS: &'static [Param] = &[
        param("status", Kind::OneOf(BUNDLE_STATUS_FILTERS)),
        PER_PAGE,
        PAGE_TOKEN,
    ];
}

impl Query for ListUsersQuery {
    const PARAMS: &'static [Param] = &[
        param("email", Kind::Email),
        param("status", Kind::OneOf(UserStatus::KNOWN)),
        PER_PAGE,
        PAGE_TOKEN,
    ];
}

/// `status` is free text: the contract does not list it all.
impl Query for ListDomainsQuery {
    const PARAMS: &'static [Param] = &[
        param("category", Kind::OneOf(DomainCategory::KNOWN)),
        param("user_id", Kind::Text),
        param("user_email", Kind::Email),
        param("usable_for", Kind::OneOf(Provider::KNOWN)),
        param("status", Kind::Text),
        PER_PAGE,
        PAGE_TOKEN,
    ];
}

impl Query for ListOrdersQuery {
    const PARAMS: &'static [Param] = &[
        param("user_id", Kind::Text),
        param("user_email", Kind::Email),
        param("bundle_id", Kind::Text),
        param("status", Kind::OneOf(OrderStatus::KNOWN)),
        PER_PAGE,
        PAGE_TOKEN,
    ];
}

impl Query for ListPendingQuery {
    const PARAMS: &'static [Param] = &[
        param("order_id", Kind::Text),
        param("user", Kind::UserRef),
        param("domain_id", Kind::Text),
        param("status", Kind::OneOf(PendingActionStatus::KNOWN)),
        PER_PAGE,
        PAGE_TOKEN,
    ];
}

impl Query for ListSwapsQuery {
    const PARAMS: &'static [Param] = &[
        param("user_id", Kind::Text),
        param("order_id", Kind::Text),
        param("domain_id", Kind::Text),
        param("status", Kind::OneOf(SwapStatus::KNOWN)),
        PER_PAGE,
        PAGE_TOKEN,
    ];
}

/// `GET /domains/import?domains=…`: 1–100 names, normalised, no repeats.
impl Query for ImportLookupQuery {
    const PARAMS: &'static [Param] = &[param("domains", Kind::Domains)];
}

/// Checks a query against its parameters and answers the values to send,
/// normalised, in parameter order (unset ones left out). `null` is the empty
/// query when no parameter is required.
pub fn read(v: &Value, params: &[Param]) -> Parsed<Map<String, Value>> {
    static EMPTY: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    let optional = !params.iter().any(|x| x.kind == Kind::Domains);
    let v = if v.is_null() && optional {
        EMPTY.get_or_init(|| Value::Object(Map::new()))
    } else {
        v
    };
    let mut p = Problems::new();
    let Some(o) = Obj::open(v, "", &mut p) else {
        return Err(p);
    };
    let known: Vec<&str> = params.iter().map(|x| x.key).collect();
    o.reject_unknown(&known, &[], &mut p);
    let mut out = Map::new();
    for x in params {
        if let Ok(Some(value)) = read_param(&o, x, &mut p) {
            out.insert(x.key.to_owned(), value);
        }
    }
    if p.is_empty() {
        Ok(out)
    } else {
        Err(p)
    }
}

/// The typed query, read through its parameter table.
pub fn parse<T: Query>(v: &Value) -> Parsed<T> {
    let values = read(v, T::PARAMS)?;
    // The table and the struct agree (tested), so this cannot fail.
    serde_json::from_value(Value::Object(values))
        .map_err(|_| vec![Problem::invalid("", "the query is invalid")])
}

fn read_param(o: &Obj<'_>, x: &Param, p: &mut Problems) -> Result<Option<Value>, ()> {
    let key = x.key;
    let text = |max, p: &mut Problems| o.opt_string(key, max, p);
    let found = match x.kind {
        Kind::Text => text(MAX_TEXT_LEN, p)?,
        Kind::Token => text(MAX_TOKEN_LEN, p)?,
        Kind::UserRef if matches!(o.get(key), Some(Value::String(s)) if s.trim().starts_with("usr_")) => {
            text(MAX_TEXT_LEN, p)?
        }
        Kind::Email | Kind::UserRef => match o.get(key) {
            None | Some(Value::Null) => None,
            Some(v) => Some(o.email(key, v, p).ok_or(())?),
        },
        Kind::OneOf(allowed) => match text(MAX_TEXT_LEN, p)? {
            Some(s) if !allowed.contains(&s.as_str()) => {
                p.push(Problem::invalid(
                    o.path(key),
                    format!(
                        "{key} must be one of: {}; got \"{}\"",
                        allowed.join(", "),
                        show(&s)
                    ),
                ));
                return Err(());
            }
            other => other,
        },
        Kind::PerPage => {
            return Ok(o.opt_int(key, 1, PER_PAGE_MAX, p)?.map(Value::from));
        }
        Kind::Domains => {
            let names = domain_list(o, key, 1, IMPORT_LOOKUP_MAX, DomainKind::Name, p).ok_or(())?;
            return Ok(Some(names.into()));
        }
    };
    Ok(found.map(Value::String))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The schema's properties (the struct's fields, in order) and the table's keys.
    fn keys<T: Query + schemars::JsonSchema>() -> (Vec<String>, Vec<&'static str>) {
        let schema = schemars::schema_for!(T);
        let fields = schema.get("properties").and_then(Value::as_object);
        let fields = fields
            .map(|f| f.keys().cloned().collect())
            .unwrap_or_default();
        (fields, T::PARAMS.iter().map(|x| x.key).collect())
    }

    #[test]
    fn every_table_lists_its_structs_fields_in_their_order() {
        for (fields, params) in [
            keys::<ListBundlesQuery>(),
            keys::<ListUsersQuery>(),
            keys::<ListDomainsQuery>(),
            keys::<ListOrdersQuery>(),
            keys::<ListPendingQuery>(),
            keys::<ListSwapsQuery>(),
            keys::<ImportLookupQuery>(),
        ] {
            assert_eq!(fields, params);
        }
    }

    #[test]
    fn a_full_query_reads_into_its_struct_and_back_unchanged() {
        let query = ListDomainsQuery {
            category: Some("inventory".into()),
            user_id: Some("usr_1".into()),
            user_email: Some("a@b.co".into()),
            usable_for: Some("google".into()),
            status: Some("active".into()),
            per_page: Some(100),
            page_token: Some("t".into()),
        };
        let json = serde_json::to_value(&query).unwrap();
        assert_eq!(
            Value::Object(read(&json, ListDomainsQuery::PARAMS).unwrap()),
            json
        );
        assert_eq!(parse::<ListDomainsQuery>(&json).unwrap(), query);
    }
}
