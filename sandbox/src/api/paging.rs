//! Lists (docs/contract.md#pagination): one handler for every list endpoint. A list is a
//! table of the state (ids sort by creation), a filter and the SDK's query
//! parser and request builder; the answer is `{data, links, meta}`.

use super::decode::{parsed, query_json};
use super::{Answer, Fail, Req};
use crate::state::State;
use crate::App;
use base64::Engine as _;
use peeker_partner::error::Problem;
use peeker_partner::model::PageQuery;
use peeker_partner::request::HttpRequest;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::ops::Bound;

pub const DEFAULT_PER_PAGE: u8 = 25;

/// Which end of its table a list starts from.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Order {
    OldestFirst,
    NewestFirst,
}

/// What makes one list endpoint: the SDK's parser of its query, the SDK's
/// builder of its request (for `links`, so they carry the filters exactly as
/// a client sends them) and its order.
pub struct ListSpec<Q> {
    pub parse: fn(&Value) -> Result<Q, Vec<Problem>>,
    pub build: fn(&Q) -> peeker_partner::error::Result<HttpRequest>,
    pub order: Order,
}

/// Answers a list request: parses the query, pages `table` after the cursor
/// keeping the rows `keep` accepts, and shows each through `view`.
pub fn list<Q, R, T>(
    app: &App,
    r: &Req<'_>,
    spec: ListSpec<Q>,
    table: fn(&State) -> &BTreeMap<String, R>,
    keep: impl Fn(&State, &Q, &R) -> bool,
    view: fn(&R) -> &T,
) -> Answer
where
    Q: PageQuery,
    T: Serialize,
{
    let q = parsed((spec.parse)(&query_json(r)?))?;
    let per_page = q.per_page().unwrap_or(DEFAULT_PER_PAGE);
    let after = match q.page_token() {
        None => None,
        Some(t) => Some(decode_token(t).ok_or_else(|| {
            Fail::invalid(
                "page_token",
                "page_token is not one this server issued; follow links.next as given",
            )
        })?),
    };
    let link = |token: Option<String>| {
        (spec.build)(&q.on_page(Some(per_page), token))
            .ok()
            .map(|h| h.url(r.base))
    };
    app.read(|st| {
        let (rows, next) = page(table(st), spec.order, after.as_deref(), per_page, |row| {
            keep(st, &q, row)
        });
        let items: Vec<&T> = rows.into_iter().map(view).collect();
        let next = next.and_then(|id| link(Some(encode_token(&id))));
        Ok((
            200,
            json!({
                "data": items,
                "links": { "first": link(None).unwrap_or_default(), "next": next },
                "meta": {
                    "path": format!("{}{}", r.base, r.endpoint.path_template()),
                    "per_page": per_page,
                    "returned": items.len(),
                },
            }),
        ))
    })
}

/// One page of `map` after the cursor, filtered; also the id to continue
/// after, when more rows follow.
fn page<'a, T>(
    map: &'a BTreeMap<String, T>,
    order: Order,
    after: Option<&str>,
    per_page: u8,
    keep: impl Fn(&T) -> bool,
) -> (Vec<&'a T>, Option<String>) {
    let n = usize::from(per_page);
    let iter: Box<dyn Iterator<Item = (&String, &T)>> = match (after, order) {
        (None, Order::OldestFirst) => Box::new(map.iter()),
        (None, Order::NewestFirst) => Box::new(map.iter().rev()),
        (Some(a), Order::OldestFirst) => {
            Box::new(map.range::<str, _>((Bound::Excluded(a), Bound::Unbounded)))
        }
        (Some(a), Order::NewestFirst) => Box::new(
            map.range::<str, _>((Bound::Unbounded, Bound::Excluded(a)))
                .rev(),
        ),
    };
    let mut rows: Vec<(&String, &T)> = iter.filter(|(_, v)| keep(v)).take(n + 1).collect();
    let next = if rows.len() > n {
        rows.truncate(n);
        rows.last().map(|(k, _)| (*k).clone())
    } else {
        None
    };
    (rows.into_iter().map(|(_, v)| v).collect(), next)
}

/// Page tokens: base64 of `{"cursor":"<last id>"}` (as the docs' example).
/// Clients treat them as opaque.
fn encode_token(last_id: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(json!({ "cursor": last_id }).to_string())
}

fn decode_token(t: &str) -> Option<String> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(t.trim_end_matches('='))
        .ok()?;
    let v: Value = serde_json::from_slice(&raw).ok()?;
    let c = v.get("cursor")?.as_str()?;
    (!c.is_empty()).then(|| c.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip() {
        let t = encode_token("ord_01ABC");
        assert_eq!(decode_token(&t).as_deref(), Some("ord_01ABC"));
        assert_eq!(
            decode_token("eyJjdXJzb3IiOiJ4eXoifQ").as_deref(),
            Some("xyz")
        );
        assert!(decode_token("!!").is_none());
    }
}
