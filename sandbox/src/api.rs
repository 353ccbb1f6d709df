//! The endpoints of Part B §12.9 with Part A's rules. Bodies and queries are
//! parsed with the SDK's own `validate::parse_*`, the split with
//! `split::check_domain_split` and bundle sizes with `sizing::required_domains`,
//! so the sandbox answers exactly what the SDK predicts.

use crate::state::{is_live, Charge, Ctx, OrderRec, State, SwapRec, TaskKind};
use crate::App;
use base64::Engine as _;
use peeker_partner::error::{codes, Problem};
use peeker_partner::model::*;
use peeker_partner::request::{self, Endpoint, HttpRequest};
use peeker_partner::sizing::{required_domains, BundleSizing};
use peeker_partner::split::{check_domain_split, Split, SplitOutcome};
use peeker_partner::validate;
use serde::Serialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::ops::Bound;

/// An error answer: a status and the error envelope's body.
#[derive(Debug, Clone)]
pub struct Fail {
    pub status: u16,
    /// Boxed: a `Result<_, Fail>` stays small on the happy path.
    pub error: Box<ApiError>,
}

/// The status each code is answered with (Part A §A2).
pub fn status_for(code: &str) -> u16 {
    match code {
        codes::UNAUTHORIZED => 401,
        codes::FORBIDDEN => 403,
        codes::NOT_FOUND => 404,
        codes::CONFLICT => 409,
        codes::DOMAIN_COUNT_MISMATCH | codes::DOMAIN_UNAVAILABLE => 422,
        codes::RATE_LIMITED => 429,
        codes::INTERNAL_ERROR => 500,
        _ => 400,
    }
}

impl Fail {
    pub fn new(code: &str, message: impl Into<String>) -> Fail {
        Fail {
            status: status_for(code),
            error: Box::new(ApiError {
                code: code.to_owned(),
                message: message.into(),
                field: None,
                details: None,
                extra: Default::default(),
            }),
        }
    }
    pub fn field(mut self, field: impl Into<String>) -> Fail {
        let f = field.into();
        self.error.field = (!f.is_empty()).then_some(f);
        self
    }
    pub fn details(mut self, details: Value) -> Fail {
        self.error.details = Some(details);
        self
    }
    pub fn with_status(mut self, status: u16) -> Fail {
        self.status = status;
        self
    }
    pub fn internal(message: impl Into<String>) -> Fail {
        Fail::new(codes::INTERNAL_ERROR, message)
    }
    pub fn invalid(field: &str, message: impl Into<String>) -> Fail {
        Fail::new(codes::INVALID_REQUEST, message).field(field)
    }
    pub fn not_found(field: Option<&str>, what: &str, id: &str) -> Fail {
        let f = Fail::new(
            codes::NOT_FOUND,
            format!("no {what} {} in this account", shorten(id)),
        );
        match field {
            Some(field) => f.field(field),
            None => f,
        }
    }

    /// The first problem is the answer (its code, field and details); when
    /// there are more, `details.problems` lists them all.
    pub fn from_problems(problems: Vec<Problem>) -> Fail {
        let Some(first) = problems.first().cloned() else {
            return Fail::new(codes::INVALID_REQUEST, "the request is invalid");
        };
        let mut f = Fail::new(&first.code, first.message).field(first.field);
        let mut details = first.details.unwrap_or(Value::Null);
        if problems.len() > 1 {
            if !details.is_object() {
                details = json!({});
            }
            details["problems"] = serde_json::to_value(&problems).unwrap_or(Value::Null);
        }
        if !details.is_null() {
            f = f.details(details);
        }
        f
    }

    pub fn envelope(&self) -> Value {
        json!({ "error": self.error })
    }
}

fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// One API request after routing and authentication.
pub struct Req<'a> {
    pub endpoint: Endpoint,
    /// The `{id}` path segment, decoded.
    pub id: &'a str,
    /// The raw query string (no `?`).
    pub query: &'a str,
    pub body: &'a [u8],
    /// `http://host:port/partner/v1`, for `links`.
    pub base: &'a str,
    pub preset: &'a str,
}

type Answer = Result<(u16, Value), Fail>;

fn data<T: Serialize>(status: u16, value: T) -> Answer {
    Ok((status, json!({ "data": value })))
}

/// The body as JSON; an empty body reads as `null`.
pub fn json_body(body: &[u8]) -> Result<Value, Fail> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    serde_json::from_slice(body).map_err(|e| {
        Fail::new(
            codes::INVALID_REQUEST,
            format!("the body is not valid JSON: {e}"),
        )
        .details(json!({ "reason": "malformed_json" }))
    })
}

fn parsed<T>(r: Result<T, Vec<Problem>>) -> Result<T, Fail> {
    r.map_err(Fail::from_problems)
}

/// Answers one request.
pub fn handle(app: &App, r: &Req<'_>) -> Answer {
    use Endpoint as E;
    let body = || json_body(r.body);
    let query = || query_json(r.query, r.endpoint == E::LookupImports);
    match r.endpoint {
        E::Me => data(
            200,
            json!({
                "api_key": { "environment": "test", "permission_preset": r.preset },
                "partner": { "id": "org_01HZX0SANDB0X0PARTNER00000", "name": "Sandbox Partner" },
            }),
        ),
        E::CreateBundle => create_bundle(app, parsed(validate::parse_create_bundle(&body()?))?),
        E::ListBundles => {
            let q = parsed(validate::parse_list_bundles(&query()?))?;
            let status = q.status.clone();
            let page = page_of(r, q.per_page, q.page_token.as_deref())?;
            let link = |pp, tok| {
                request::list_bundles(
                    &serde_json::to_value(ListBundlesQuery {
                        per_page: Some(pp),
                        page_token: tok,
                        ..q.clone()
                    })
                    .ok()?,
                )
                .ok()
            };
            app.read(|st| {
                list(r, &st.bundles, false, &page, link, |b: &Bundle| {
                    status.as_deref().is_none_or(|s| b.status.as_str() == s)
                })
            })
        }
        E::RetrieveBundle => app.read(|st| match st.bundles.get(r.id) {
            Some(b) => data(200, b),
            None => Err(Fail::not_found(None, "bundle", r.id)),
        }),
        E::UpdateBundle => {
            update_bundle(app, r.id, parsed(validate::parse_update_bundle(&body()?))?)
        }
        E::DeleteBundle => app.commit(|st, _| {
            if !st.bundles.contains_key(r.id) {
                return Err(Fail::not_found(None, "bundle", r.id));
            }
            if st.bundles_used.contains_key(r.id) {
                if let Some(b) = st.bundles.get_mut(r.id) {
                    b.status = BundleStatus::Archived;
                }
                data(200, json!({ "id": r.id, "status": "archived" }))
            } else {
                st.bundles.remove(r.id);
                data(200, json!({ "id": r.id, "status": "deleted" }))
            }
        }),
        E::CreateUser => create_user(app, parsed(validate::parse_create_user(&body()?))?),
        E::ListUsers => {
            let q = parsed(validate::parse_list_users(&query()?))?;
            let page = page_of(r, q.per_page, q.page_token.as_deref())?;
            let (email, status) = (q.email.clone(), q.status.clone());
            let link = |pp, tok| {
                request::list_users(
                    &serde_json::to_value(ListUsersQuery {
                        per_page: Some(pp),
                        page_token: tok,
                        ..q.clone()
                    })
                    .ok()?,
                )
                .ok()
            };
            app.read(|st| {
                list(r, &st.users, false, &page, link, |u: &User| {
                    email
                        .as_deref()
                        .is_none_or(|e| u.email.eq_ignore_ascii_case(e))
                        && status.as_deref().is_none_or(|s| u.status.as_str() == s)
                })
            })
        }
        E::RetrieveUser => app.read(|st| match st.users.get(r.id) {
            Some(u) => data(200, u),
            None => Err(Fail::not_found(None, "user", r.id)),
        }),
        E::UpdateUser => update_user(app, r.id, parsed(validate::parse_update_user(&body()?))?),
        E::DeleteUser => app.commit(|st, _| {
            let Some(u) = st.users.get_mut(r.id) else {
                return Err(Fail::not_found(None, "user", r.id));
            };
            u.status = UserStatus::Deleted;
            let key = u.email.to_ascii_lowercase();
            let out = u.clone();
            if st.user_by_email.get(&key).map(String::as_str) == Some(r.id) {
                st.user_by_email.remove(&key);
            }
            data(200, out)
        }),
        E::CheckAvailability => {
            let q = parsed(validate::parse_availability(&body()?))?;
            let rows: Vec<AvailabilityRow> = q.domains.iter().map(|d| availability(d)).collect();
            data(200, json!({ "domains": rows }))
        }
        E::ImportDomains => {
            let q = parsed(validate::parse_import(&body()?))?;
            app.commit(|st, ctx| data(200, create_import(st, ctx, app, &q.domains, false)))
        }
        E::CreateImportJob => {
            let q = parsed(validate::parse_import_job(&body()?))?;
            let mut key = q.domains.clone();
            key.sort();
            let key = key.join(",");
            app.commit(|st, ctx| {
                if let Some(existing) = st.import_jobs.get(&key).and_then(|id| st.imports.get(id)) {
                    return data(202, existing);
                }
                let imp = create_import(st, ctx, app, &q.domains, true);
                st.import_jobs.insert(key, imp.id.clone());
                data(202, imp)
            })
        }
        E::RetrieveImport | E::RetrieveImportJob => app.read(|st| match st.imports.get(r.id) {
            Some(i) => data(200, i),
            None => Err(Fail::not_found(None, "import", r.id)),
        }),
        E::LookupImports => {
            let q = parsed(validate::parse_import_lookup(&query()?))?;
            app.read(|st| {
                let mut found: BTreeMap<&str, &DomainImport> = BTreeMap::new();
                let mut not_found = Vec::new();
                for name in &q.domains {
                    let hit = st
                        .imports
                        .values()
                        .rev()
                        .find(|i| i.domains.iter().any(|d| &d.domain == name));
                    match hit {
                        Some(i) => {
                            found.insert(i.id.as_str(), i);
                        }
                        None => not_found.push(name.clone()),
                    }
                }
                let imports: Vec<&DomainImport> = found.into_values().rev().collect();
                data(200, json!({ "imports": imports, "not_found": not_found }))
            })
        }
        E::ListDomains => {
            let q = parsed(validate::parse_list_domains(&query()?))?;
            let page = page_of(r, q.per_page, q.page_token.as_deref())?;
            let f = q.clone();
            let link = |pp, tok| {
                request::list_domains(
                    &serde_json::to_value(ListDomainsQuery {
                        per_page: Some(pp),
                        page_token: tok,
                        ..q.clone()
                    })
                    .ok()?,
                )
                .ok()
            };
            app.read(|st| {
                let email_user = f.user_email.as_ref().map(|e| {
                    st.user_by_email
                        .get(&e.to_ascii_lowercase())
                        .cloned()
                        .unwrap_or_default()
                });
                list(r, &st.domains, false, &page, link, |d: &Domain| {
                    let user = d.user_id.as_deref().unwrap_or("");
                    f.category
                        .as_deref()
                        .is_none_or(|c| d.category.as_str() == c)
                        && f.user_id.as_deref().is_none_or(|u| user == u)
                        && email_user.as_deref().is_none_or(|u| user == u)
                        && f.usable_for.as_deref().is_none_or(|p| {
                            d.usable_for
                                .as_ref()
                                .is_some_and(|l| l.iter().any(|x| x.as_str() == p))
                        })
                        && f.status.as_deref().is_none_or(|s| d.status.as_str() == s)
                })
            })
        }
        E::CreateForwarding => {
            let q = parsed(validate::parse_forwarding(&body()?))?;
            app.commit(|st, ctx| data(202, create_forwarding(st, ctx, app, q)))
        }
        E::RetrieveForwarding => app.read(|st| match st.forwarding.get(r.id) {
            Some(j) => data(200, j),
            None => Err(Fail::not_found(None, "forwarding job", r.id)),
        }),
        E::CreateOrder => {
            let order = parsed(validate::parse_create_order(&body()?))?;
            create_order(app, r.body, order)
        }
        E::ListOrders => {
            let q = parsed(validate::parse_list_orders(&query()?))?;
            let page = page_of(r, q.per_page, q.page_token.as_deref())?;
            let f = q.clone();
            let link = |pp, tok| {
                request::list_orders(
                    &serde_json::to_value(ListOrdersQuery {
                        per_page: Some(pp),
                        page_token: tok,
                        ..q.clone()
                    })
                    .ok()?,
                )
                .ok()
            };
            app.read(|st| {
                let rows = list_raw(&st.orders, true, &page, |o: &OrderRec| {
                    let o = &o.receipt;
                    f.user_id.as_deref().is_none_or(|u| o.user_id == u)
                        && f.user_email
                            .as_deref()
                            .is_none_or(|e| o.email.eq_ignore_ascii_case(e))
                        && f.bundle_id
                            .as_deref()
                            .is_none_or(|b| o.bundle_id.as_deref() == Some(b))
                        && f.status.as_deref().is_none_or(|s| o.status.as_str() == s)
                });
                let (items, next) = rows;
                let items: Vec<&OrderReceipt> = items.iter().map(|o| &o.receipt).collect();
                list_answer(r, &page, link, items, next)
            })
        }
        E::ListPending => {
            let q = parsed(validate::parse_list_pending(&query()?))?;
            let page = page_of(r, q.per_page, q.page_token.as_deref())?;
            let f = q.clone();
            let link = |pp, tok| {
                request::list_pending(
                    &serde_json::to_value(ListPendingQuery {
                        per_page: Some(pp),
                        page_token: tok,
                        ..q.clone()
                    })
                    .ok()?,
                )
                .ok()
            };
            let status = f.status.clone().unwrap_or_else(|| "open".into());
            app.read(|st| {
                list(r, &st.actions, false, &page, link, |a: &PendingAction| {
                    let order = a.order_id.as_deref().and_then(|id| st.orders.get(id));
                    let user_ok = f.user.as_deref().is_none_or(|u| {
                        order.is_some_and(|o| {
                            o.receipt.user_id == u || o.receipt.email.eq_ignore_ascii_case(u)
                        })
                    });
                    a.status.as_str() == status
                        && user_ok
                        && f.order_id
                            .as_deref()
                            .is_none_or(|o| a.order_id.as_deref() == Some(o))
                        && f.domain_id
                            .as_deref()
                            .is_none_or(|d| a.domain_id.as_deref() == Some(d))
                })
            })
        }
        E::CancelOrder => {
            let c = parsed(validate::parse_cancel_order(&body()?))?;
            app.commit(|st, ctx| cancel_order(st, ctx, app, r.id, c))
        }
        E::CreateSwap => {
            let s = parsed(validate::parse_create_swap(&body()?))?;
            app.commit(|st, ctx| create_swap(st, ctx, app, s))
        }
        E::ListSwaps => {
            let q = parsed(validate::parse_list_swaps(&query()?))?;
            let page = page_of(r, q.per_page, q.page_token.as_deref())?;
            let f = q.clone();
            let link = |pp, tok| {
                request::list_swaps(
                    &serde_json::to_value(ListSwapsQuery {
                        per_page: Some(pp),
                        page_token: tok,
                        ..q.clone()
                    })
                    .ok()?,
                )
                .ok()
            };
            app.read(|st| {
                let (items, next) = list_raw(&st.swaps, false, &page, |s: &SwapRec| {
                    f.user_id
                        .as_deref()
                        .is_none_or(|u| s.user_id.as_deref() == Some(u))
                        && f.order_id
                            .as_deref()
                            .is_none_or(|o| s.order_id.as_deref() == Some(o))
                        && f.domain_id.as_deref().is_none_or(|d| s.swap.domain_id == d)
                        && f.status
                            .as_deref()
                            .is_none_or(|x| s.swap.status.as_str() == x)
                });
                let items: Vec<&Swap> = items.iter().map(|s| &s.swap).collect();
                list_answer(r, &page, link, items, next)
            })
        }
        E::RetrieveSwap => app.read(|st| match st.swaps.get(r.id) {
            Some(s) => data(200, &s.swap),
            None => Err(Fail::not_found(None, "swap", r.id)),
        }),
        E::SwapUserNames => {
            let s = parsed(validate::parse_user_name_swap(&body()?))?;
            app.commit(|st, ctx| swap_user_names(st, ctx, app, s))
        }
    }
}

// ---------------------------------------------------------------- queries and pages

/// A query string as the JSON object the SDK's query parsers read: values
/// are strings, except `per_page` when it reads as an integer and, for the
/// import lookup, `domains` split on commas.
pub fn query_json(query: &str, lookup: bool) -> Result<Value, Fail> {
    let mut map = serde_json::Map::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let (k, v) = (decode(k)?, decode(v)?);
        let value = if k == "per_page" {
            v.parse::<i64>()
                .map(Value::from)
                .unwrap_or(Value::String(v))
        } else if k == "domains" && lookup {
            Value::Array(
                v.split(',')
                    .filter(|s| !s.is_empty())
                    .map(|s| Value::String(s.to_owned()))
                    .collect(),
            )
        } else {
            Value::String(v)
        };
        map.insert(k, value);
    }
    Ok(Value::Object(map))
}

/// A path segment, percent-decoded (kept as sent when it does not decode).
pub fn decode_segment(s: &str) -> String {
    if s.contains('+') {
        return s.to_owned();
    }
    decode(s).unwrap_or_else(|_| s.to_owned())
}

fn decode(s: &str) -> Result<String, Fail> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => {
                        return Err(Fail::invalid(
                            "",
                            "the query string has a malformed percent-escape",
                        ))
                    }
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| Fail::invalid("", "the query string is not UTF-8"))
}

pub const DEFAULT_PER_PAGE: u8 = 25;

/// Where a page starts and how long it is.
pub struct Page {
    per_page: u8,
    after: Option<String>,
}

fn page_of(_r: &Req<'_>, per_page: Option<u8>, token: Option<&str>) -> Result<Page, Fail> {
    let after = match token {
        None => None,
        Some(t) => Some(decode_token(t).ok_or_else(|| {
            Fail::invalid(
                "page_token",
                "page_token is not one this server issued; follow links.next as given",
            )
        })?),
    };
    Ok(Page {
        per_page: per_page.unwrap_or(DEFAULT_PER_PAGE),
        after,
    })
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

/// One page of `map` (ids sort by creation) after the cursor, filtered;
/// also the id to continue after, when more rows follow.
fn list_raw<'a, T>(
    map: &'a BTreeMap<String, T>,
    newest_first: bool,
    page: &Page,
    keep: impl Fn(&T) -> bool,
) -> (Vec<&'a T>, Option<String>) {
    let n = usize::from(page.per_page);
    let iter: Box<dyn Iterator<Item = (&String, &T)>> = match (&page.after, newest_first) {
        (None, false) => Box::new(map.iter()),
        (None, true) => Box::new(map.iter().rev()),
        (Some(a), false) => {
            Box::new(map.range::<str, _>((Bound::Excluded(a.as_str()), Bound::Unbounded)))
        }
        (Some(a), true) => Box::new(
            map.range::<str, _>((Bound::Unbounded, Bound::Excluded(a.as_str())))
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

fn list<T: Serialize>(
    r: &Req<'_>,
    map: &BTreeMap<String, T>,
    newest_first: bool,
    page: &Page,
    link: impl Fn(u8, Option<String>) -> Option<HttpRequest>,
    keep: impl Fn(&T) -> bool,
) -> Answer {
    let (items, next) = list_raw(map, newest_first, page, keep);
    list_answer(r, page, link, items, next)
}

/// `{data, links, meta}` (Part B §8); the links are built by the SDK's own
/// request builders, so they carry the filters exactly as a client sends them.
fn list_answer<T: Serialize>(
    r: &Req<'_>,
    page: &Page,
    link: impl Fn(u8, Option<String>) -> Option<HttpRequest>,
    items: Vec<T>,
    next: Option<String>,
) -> Answer {
    let url = |tok: Option<String>| link(page.per_page, tok).map(|h| h.url(r.base));
    let first = url(None).unwrap_or_default();
    let next = next.and_then(|id| url(Some(encode_token(&id))));
    let path = format!("{}{}", r.base, r.endpoint.path_template());
    Ok((
        200,
        json!({
            "data": items,
            "links": { "first": first, "next": next },
            "meta": { "path": path, "per_page": page.per_page, "returned": items.len() },
        }),
    ))
}

// ---------------------------------------------------------------- availability

pub const PRICE_CENTS: i64 = 1300;
pub const RENEWAL_CENTS: i64 = 1500;
pub const GOOGLE_LICENSE_CENTS: i64 = 100;
pub const MICROSOFT_LICENSE_CENTS: i64 = 900;

/// The deterministic availability of a (normalised) name (Part A §A8): a label
/// containing `invalid` → invalid, `taken` → taken, `premium` → premium,
/// `gonly` → Google only; anything else is available for both.
pub fn availability(name: &str) -> AvailabilityRow {
    let has = |word: &str| name.split('.').any(|l| l.contains(word));
    let mut row = AvailabilityRow {
        domain: name.to_owned(),
        available: false,
        price_cents: None,
        renewal_price_cents: None,
        currency: None,
        usable_for: None,
        premium: None,
        reason: None,
        extra: Default::default(),
    };
    if has("invalid") {
        row.reason = Some(UnavailableReason::Invalid);
    } else if has("taken") {
        row.reason = Some(UnavailableReason::Taken);
    } else if has("premium") {
        row.premium = Some(true);
        row.reason = Some(UnavailableReason::Premium);
    } else {
        row.available = true;
        row.price_cents = Some(PRICE_CENTS);
        row.renewal_price_cents = Some(RENEWAL_CENTS);
        row.currency = Some("usd".into());
        row.usable_for = Some(if has("gonly") {
            vec![Provider::Google]
        } else {
            vec![Provider::Google, Provider::Microsoft]
        });
    }
    row
}

/// Where an order's (or swap's) domain would come from.
#[derive(Clone)]
enum Source {
    /// A free inventory row (imported): no charge.
    Inventory(String),
    /// Registered at the availability price.
    Register(i64),
    Unusable,
}

/// The availability row the split check sees for one referenced domain: a
/// free inventory row is usable for both providers and free; a live row
/// elsewhere is taken; an unknown `dom_…` id is `not_found`; any other name
/// follows the availability rule.
fn resolve(st: &State, reference: &str) -> (AvailabilityRow, Source) {
    let inventory_row = |d: &Domain| AvailabilityRow {
        domain: d.domain.clone(),
        available: true,
        price_cents: None,
        renewal_price_cents: None,
        currency: None,
        usable_for: d.usable_for.clone(),
        premium: None,
        reason: None,
        extra: Default::default(),
    };
    let unavailable = |name: &str, reason: UnavailableReason| AvailabilityRow {
        domain: name.to_owned(),
        available: false,
        price_cents: None,
        renewal_price_cents: None,
        currency: None,
        usable_for: None,
        premium: None,
        reason: Some(reason),
        extra: Default::default(),
    };
    match st.find_domain(reference) {
        Some(d) if is_live(d) && d.category == DomainCategory::Inventory => {
            (inventory_row(d), Source::Inventory(d.id.clone()))
        }
        Some(d) => (
            unavailable(&d.domain, UnavailableReason::Taken),
            Source::Unusable,
        ),
        None if reference.starts_with("dom_") => (
            unavailable(reference, UnavailableReason::Other("not_found".into())),
            Source::Unusable,
        ),
        None => {
            let row = availability(reference);
            let src = match (row.available, row.price_cents) {
                (true, Some(p)) => Source::Register(p),
                _ => Source::Unusable,
            };
            (row, src)
        }
    }
}

/// The answer to a failed split: an unavailable pick first (the order is
/// rejected because of it), else the first problem as the SDK lists them.
fn split_failure(problems: Vec<Problem>) -> Fail {
    let pick = problems
        .iter()
        .position(|p| p.code == codes::DOMAIN_UNAVAILABLE)
        .unwrap_or(0);
    let mut ordered = problems;
    if pick > 0 {
        let p = ordered.remove(pick);
        ordered.insert(0, p);
    }
    Fail::from_problems(ordered)
}

// ---------------------------------------------------------------- bundles and users

fn sizing_of(b: &Bundle) -> BundleSizing {
    BundleSizing {
        monthly_sending_volume: u64::try_from(b.monthly_sending_volume).unwrap_or(0),
        google_percent: b.google_percent.and_then(|p| u8::try_from(p).ok()),
        microsoft_percent: b.microsoft_percent.and_then(|p| u8::try_from(p).ok()),
        send_on_weekends: b.send_on_weekends.unwrap_or(false),
        google_inboxes_per_domain: b
            .google_inboxes_per_domain
            .and_then(|n| u8::try_from(n).ok())
            .unwrap_or(2),
    }
}

/// Recomputes `effective` and `required_domains` (Part A §A4).
fn size_bundle(b: &mut Bundle) -> Result<(), Fail> {
    let req = required_domains(&sizing_of(b)).map_err(|p| Fail::from_problems(vec![p]))?;
    b.effective = Some(EffectiveSplit {
        google_percent: b.google_percent.unwrap_or(50),
        microsoft_percent: b.microsoft_percent.unwrap_or(50),
        extra: Default::default(),
    });
    b.required_domains = Some(req);
    Ok(())
}

fn create_bundle(app: &App, c: CreateBundle) -> Answer {
    app.commit(|st, ctx| {
        let mut b = Bundle {
            id: ctx.id("bun_"),
            name: c.name,
            monthly_sending_volume: i64::try_from(c.monthly_sending_volume).unwrap_or(i64::MAX),
            google_percent: c.google_percent.map(i64::from),
            microsoft_percent: c.microsoft_percent.map(i64::from),
            send_on_weekends: Some(c.send_on_weekends.unwrap_or(false)),
            google_inboxes_per_domain: Some(i64::from(c.google_inboxes_per_domain.unwrap_or(2))),
            effective: None,
            required_domains: None,
            status: BundleStatus::Active,
            created_at: crate::clock::iso(ctx.now),
            extra: Default::default(),
        };
        size_bundle(&mut b)?;
        st.bundles.insert(b.id.clone(), b.clone());
        data(201, b)
    })
}

fn update_bundle(app: &App, id: &str, u: UpdateBundle) -> Answer {
    app.commit(|st, _| {
        let Some(old) = st.bundles.get(id) else {
            return Err(Fail::not_found(None, "bundle", id));
        };
        let mut b = old.clone();
        if let Some(n) = u.name {
            b.name = n;
        }
        if let Some(v) = u.monthly_sending_volume {
            b.monthly_sending_volume = i64::try_from(v).unwrap_or(i64::MAX);
        }
        for (patch, slot) in [
            (u.google_percent, &mut b.google_percent),
            (u.microsoft_percent, &mut b.microsoft_percent),
        ] {
            match patch {
                Patch::Absent => {}
                Patch::Null => *slot = None,
                Patch::Value(v) => *slot = Some(i64::from(v)),
            }
        }
        if let Some(w) = u.send_on_weekends {
            b.send_on_weekends = Some(w);
        }
        if let Some(n) = u.google_inboxes_per_domain {
            b.google_inboxes_per_domain = Some(i64::from(n));
        }
        size_bundle(&mut b)?;
        st.bundles.insert(b.id.clone(), b.clone());
        data(200, b)
    })
}

fn route(s: &UserSequencer) -> SequencerRoute {
    SequencerRoute {
        provider: s.provider.clone(),
        client_id: s.client_id.and_then(|n| i64::try_from(n).ok()),
        extra: Default::default(),
    }
}

fn email_taken(st: &State, email: &str, except: Option<&str>) -> Option<Fail> {
    let id = st.user_by_email.get(&email.to_ascii_lowercase())?;
    (Some(id.as_str()) != except).then(|| {
        Fail::new(
            codes::CONFLICT,
            format!("a user with this email already exists: {id}"),
        )
        .field("email")
        .details(json!({ "user_id": id }))
    })
}

fn create_user(app: &App, c: CreateUser) -> Answer {
    app.commit(|st, ctx| {
        if let Some(f) = email_taken(st, &c.email, None) {
            return Err(f);
        }
        let u = User {
            id: ctx.id("usr_"),
            email: c.email.clone(),
            first_name: c.first_name,
            last_name: c.last_name,
            status: UserStatus::Active,
            sequencer: Some(route(&c.sequencer)),
            created_at: crate::clock::iso(ctx.now),
            extra: Default::default(),
        };
        st.user_by_email
            .insert(c.email.to_ascii_lowercase(), u.id.clone());
        st.users.insert(u.id.clone(), u.clone());
        data(201, u)
    })
}

fn update_user(app: &App, id: &str, p: UpdateUser) -> Answer {
    app.commit(|st, _| {
        let Some(old) = st.users.get(id) else {
            return Err(Fail::not_found(None, "user", id));
        };
        let mut u = old.clone();
        let active = u.status == UserStatus::Active;
        if let Some(e) = &p.email {
            if active {
                if let Some(f) = email_taken(st, e, Some(id)) {
                    return Err(f);
                }
                st.user_by_email.remove(&u.email.to_ascii_lowercase());
                st.user_by_email
                    .insert(e.to_ascii_lowercase(), id.to_owned());
            }
            u.email = e.clone();
        }
        if let Some(n) = p.first_name {
            u.first_name = Some(n);
        }
        if let Some(n) = p.last_name {
            u.last_name = Some(n);
        }
        if let Some(s) = &p.sequencer {
            u.sequencer = Some(route(s));
        }
        st.users.insert(id.to_owned(), u.clone());
        data(200, u)
    })
}

// ---------------------------------------------------------------- imports and forwarding

const NAMESERVERS: [[&str; 2]; 2] = [
    ["helena.ns.peeker.ai", "idris.ns.peeker.ai"],
    ["ada.ns.peeker.ai", "kurt.ns.peeker.ai"],
];

/// Creates an import: each new root gets an inventory row waiting on its
/// nameservers; names already in the account fail `already_imported`. A sync
/// import spreads its domains over two nameserver pairs; a job stays on one.
fn create_import(
    st: &mut State,
    ctx: &Ctx<'_>,
    app: &App,
    names: &[String],
    job: bool,
) -> DomainImport {
    let now = crate::clock::iso(ctx.now);
    let mut rows = Vec::new();
    let mut groups: Vec<NameserverGroup> = Vec::new();
    for name in names {
        if st.live_domain_named(name).is_some() {
            rows.push(ImportDomain {
                domain: name.clone(),
                status: ImportDomainStatus::Failed,
                domain_id: None,
                reason: Some(ImportFailureReason::AlreadyImported),
                extra: Default::default(),
            });
            continue;
        }
        let d = Domain {
            id: ctx.id("dom_"),
            domain: name.clone(),
            category: DomainCategory::Inventory,
            status: DomainStatus::Provisioning,
            provider: None,
            user_id: None,
            order_id: None,
            usable_for: Some(vec![Provider::Google, Provider::Microsoft]),
            forwarding_url: None,
            created_at: now.clone(),
            extra: Default::default(),
        };
        rows.push(ImportDomain {
            domain: name.clone(),
            status: ImportDomainStatus::Pending,
            domain_id: Some(d.id.clone()),
            reason: None,
            extra: Default::default(),
        });
        let pair = if job {
            0
        } else {
            name.bytes().map(usize::from).sum::<usize>() % NAMESERVERS.len()
        };
        let ns: Vec<String> = NAMESERVERS[pair].iter().map(|s| s.to_string()).collect();
        match groups.iter_mut().find(|g| g.nameservers == ns) {
            Some(g) => g.domains.push(name.clone()),
            None => groups.push(NameserverGroup {
                nameservers: ns,
                domains: vec![name.clone()],
                extra: Default::default(),
            }),
        }
        st.domain_by_name.insert(name.clone(), d.id.clone());
        st.domains.insert(d.id.clone(), d);
    }
    let pending = rows.iter().any(|r| r.status == ImportDomainStatus::Pending);
    let imp = DomainImport {
        id: ctx.id("imp_"),
        status: if pending {
            ImportStatus::InProgress
        } else {
            ImportStatus::Failed
        },
        domains: rows,
        nameserver_groups: groups,
        created_at: now.clone(),
        completed_at: (!pending).then_some(now),
        extra: Default::default(),
    };
    st.imports.insert(imp.id.clone(), imp.clone());
    if pending {
        st.schedule(
            ctx.now + 2 * app.cfg.step_ms(),
            TaskKind::FinishImport {
                import_id: imp.id.clone(),
            },
        );
    } else {
        st.emit(ctx, EventType::DomainImportFailed, to_value(&imp));
    }
    imp
}

pub fn to_value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// A forwarding job: domains of the account (by id or name) are repointed
/// after one step; names the account does not hold fail `dns_lookup_failed`.
fn create_forwarding(
    st: &mut State,
    ctx: &Ctx<'_>,
    app: &App,
    q: ForwardingRequest,
) -> ForwardingJob {
    let mut ids = Vec::new();
    let mut failed = Vec::new();
    for r in &q.domains {
        match st.find_domain(r).filter(|d| is_live(d)) {
            Some(d) => ids.push(d.id.clone()),
            None => failed.push(r.clone()),
        }
    }
    let job = ForwardingJob {
        id: ctx.id("fwj_"),
        status: ForwardingStatus::InProgress,
        completed_count: 0,
        failed_count: 0,
        forwarding_url: q.forwarding_url,
        completed: Vec::new(),
        failed: Vec::new(),
        created_at: crate::clock::iso(ctx.now),
        completed_at: None,
        extra: Default::default(),
    };
    st.forwarding.insert(job.id.clone(), job.clone());
    st.schedule(
        ctx.now + app.cfg.step_ms(),
        TaskKind::FinishForwarding {
            job_id: job.id.clone(),
            domain_ids: ids,
            failed,
        },
    );
    job
}

// ---------------------------------------------------------------- orders

/// Whether a persona picture can be fetched by Google: `null`, `""` and public
/// http(s) URLs can; loopback, private, link-local and `localhost` hosts
/// cannot (Part A §A8).
pub fn picture_is_public(url: Option<&str>) -> bool {
    let Some(url) = url.filter(|u| !u.trim().is_empty()) else {
        return true;
    };
    let lower = url.trim().to_ascii_lowercase();
    let Some(rest) = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    else {
        return false; // file:, data:, …
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let hostport = authority.rsplit('@').next().unwrap_or("");
    let host = if let Some(v6) = hostport.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        hostport.split(':').next().unwrap_or("")
    };
    let host = host.trim_end_matches('.');
    if host.is_empty()
        || host == "localhost"
        || host.ends_with(".localhost")
        || host.ends_with(".local")
        || host.ends_with(".internal")
    {
        return false;
    }
    match host.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(ip)) => {
            !(ip.is_loopback()
                || ip.is_private()
                || ip.is_link_local()
                || ip.is_unspecified()
                || ip.is_broadcast()
                || ip.octets()[0] == 0
                || (ip.octets()[0] == 100 && (64..128).contains(&ip.octets()[1])))
        }
        Ok(std::net::IpAddr::V6(ip)) => {
            let seg = ip.segments()[0];
            !(ip.is_loopback()
                || ip.is_unspecified()
                || (seg & 0xfe00) == 0xfc00
                || (seg & 0xffc0) == 0xfe80
                || ip
                    .to_ipv4_mapped()
                    .is_some_and(|v4| v4.is_loopback() || v4.is_private() || v4.is_link_local()))
        }
        Err(_) => true,
    }
}

pub const DEDUPE_MS: i64 = crate::clock::DAY_MS;

fn create_order(app: &App, raw: &[u8], o: CreateOrder) -> Answer {
    let hash: String = Sha256::digest(raw)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    app.commit(|st, ctx| {
        // An identical body within 24 h is the same order (Part A §A7).
        if let Some((id, at)) = st.order_dedupe.get(&hash) {
            if ctx.now - at < DEDUPE_MS {
                if let Some(rec) = st.orders.get(id) {
                    return data(200, &rec.receipt);
                }
            }
        }

        // Every check first; nothing changes until all have passed.
        let existing_user = if o.user.starts_with("usr_") {
            match st.users.get(&o.user) {
                Some(u) if u.status == UserStatus::Active => Some(u.clone()),
                Some(_) => {
                    return Err(Fail::invalid("user", format!("user {} is deleted", o.user)))
                }
                None => return Err(Fail::not_found(Some("user"), "user", &o.user)),
            }
        } else {
            st.user_by_email
                .get(&o.user.to_ascii_lowercase())
                .and_then(|id| st.users.get(id))
                .cloned()
        };

        let (split, inboxes, google_licenses, microsoft_licenses) = match &o.bundle_id {
            Some(bid) => {
                let Some(b) = st.bundles.get(bid) else {
                    return Err(Fail::not_found(Some("bundle_id"), "bundle", bid));
                };
                if b.status != BundleStatus::Active {
                    return Err(Fail::invalid(
                        "bundle_id",
                        format!("bundle {bid} is archived; create or pick an active bundle"),
                    ));
                }
                let req = match b.required_domains {
                    Some(r) => r,
                    None => {
                        required_domains(&sizing_of(b)).map_err(|p| Fail::from_problems(vec![p]))?
                    }
                };
                let inboxes = u32::try_from(b.google_inboxes_per_domain.unwrap_or(2)).unwrap_or(2);
                (
                    Split::from(req),
                    inboxes,
                    u64::from(req.google) * u64::from(inboxes),
                    u64::from(req.microsoft),
                )
            }
            None => {
                let g = o.google_licenses.unwrap_or(0);
                let m = o.microsoft_licenses.unwrap_or(0);
                let inboxes = u32::from(o.google_inboxes_per_domain.unwrap_or(2));
                let split = Split {
                    google: g.div_ceil(inboxes),
                    microsoft: m,
                };
                (split, inboxes, u64::from(g), u64::from(m))
            }
        };

        let resolved: Vec<(AvailabilityRow, Source)> =
            o.domains.iter().map(|d| resolve(st, d.domain())).collect();
        let rows: Vec<AvailabilityRow> = resolved.iter().map(|(r, _)| r.clone()).collect();
        let microsoft: Vec<String> = match check_domain_split(split, &rows) {
            SplitOutcome::Ok { microsoft, .. } => microsoft,
            SplitOutcome::Err { problems, .. } => return Err(split_failure(problems)),
        };

        // Accepted: from here on everything is written.
        let now_iso = crate::clock::iso(ctx.now);
        let user = match existing_user {
            Some(u) => u,
            None => {
                let u = User {
                    id: ctx.id("usr_"),
                    email: o.user.clone(),
                    first_name: None,
                    last_name: None,
                    status: UserStatus::Active,
                    sequencer: Some(SequencerRoute {
                        provider: o.sequencer.provider.clone(),
                        client_id: o.sequencer.client_id.and_then(|n| i64::try_from(n).ok()),
                        extra: Default::default(),
                    }),
                    created_at: now_iso.clone(),
                    extra: Default::default(),
                };
                st.user_by_email
                    .insert(u.email.to_ascii_lowercase(), u.id.clone());
                st.users.insert(u.id.clone(), u.clone());
                u
            }
        };
        let order_id = ctx.id("ord_");
        let (mut registered, mut imported, mut domain_ids) = (Vec::new(), Vec::new(), Vec::new());
        let mut registration_cents = 0i64;
        for ((row, source), entry) in resolved.iter().zip(&o.domains) {
            let provider = if microsoft.contains(&row.domain) {
                Provider::Microsoft
            } else {
                Provider::Google
            };
            let forwarding = match entry {
                OrderDomain::WithForwarding { forwarding_url, .. } => Some(forwarding_url.clone()),
                OrderDomain::Name(_) => o.forwarding_url.clone(),
            };
            let id = match source {
                Source::Inventory(id) => {
                    imported.push(row.domain.clone());
                    id.clone()
                }
                _ => {
                    registered.push(row.domain.clone());
                    if let Source::Register(p) = source {
                        registration_cents += p;
                    }
                    ctx.id("dom_")
                }
            };
            let d = Domain {
                id: id.clone(),
                domain: row.domain.clone(),
                category: DomainCategory::Connected,
                status: DomainStatus::Provisioning,
                provider: Some(provider),
                user_id: Some(user.id.clone()),
                order_id: Some(order_id.clone()),
                usable_for: row.usable_for.clone(),
                forwarding_url: forwarding,
                created_at: st
                    .domains
                    .get(&id)
                    .map(|d| d.created_at.clone())
                    .unwrap_or_else(|| now_iso.clone()),
                extra: Default::default(),
            };
            st.domain_by_name.insert(d.domain.clone(), id.clone());
            st.domains.insert(id.clone(), d);
            domain_ids.push(id);
        }
        let to_i64 = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        let mut line_items = Vec::new();
        for (t, q, unit) in [
            (
                LineItemType::GoogleLicense,
                google_licenses,
                GOOGLE_LICENSE_CENTS,
            ),
            (
                LineItemType::MicrosoftLicense,
                microsoft_licenses,
                MICROSOFT_LICENSE_CENTS,
            ),
        ] {
            if q > 0 {
                line_items.push(LineItem {
                    item_type: t,
                    quantity: to_i64(q),
                    amount_cents: to_i64(q).saturating_mul(unit),
                    extra: Default::default(),
                });
            }
        }
        if !registered.is_empty() {
            line_items.push(LineItem {
                item_type: LineItemType::DomainRegistration,
                quantity: registered.len() as i64,
                amount_cents: registration_cents,
                extra: Default::default(),
            });
        }
        let total = line_items
            .iter()
            .fold(0i64, |a, l| a.saturating_add(l.amount_cents));
        let receipt = OrderReceipt {
            id: order_id.clone(),
            user_id: user.id.clone(),
            email: user.email.clone(),
            bundle_id: o.bundle_id.clone(),
            status: OrderStatus::InProgress,
            domain_count: domain_ids.len() as i64,
            costs: Costs {
                total_cents: total,
                currency: "usd".into(),
                line_items: None,
                extra: Default::default(),
            },
            renews_at: Some(crate::clock::iso(crate::clock::plus_one_month(ctx.now))),
            created_at: now_iso.clone(),
            extra: Default::default(),
        };
        let personas = o
            .personas
            .iter()
            .map(|p| PersonaInfo {
                first_name: p.first_name.clone(),
                last_name: p.last_name.clone(),
                profile_picture_url: p.profile_picture_url.clone(),
                extra: Default::default(),
            })
            .collect();
        let n = domain_ids.len().max(1) as i64;
        let step = app.cfg.step_ms();
        for (i, id) in domain_ids.iter().enumerate() {
            st.schedule(
                ctx.now + step + step * i as i64 / n,
                TaskKind::ConnectDomain {
                    domain_id: id.clone(),
                },
            );
        }
        st.schedule(
            ctx.now + 2 * step + 1,
            TaskKind::FinishOrder {
                order_id: order_id.clone(),
            },
        );
        st.charges.push(Charge {
            order_id: order_id.clone(),
            amount_cents: total,
            created_at: now_iso,
        });
        if let Some(b) = &o.bundle_id {
            st.bundles_used.insert(b.clone(), true);
        }
        st.order_dedupe.insert(hash, (order_id.clone(), ctx.now));
        st.emit(ctx, EventType::OrderInProgress, to_value(&receipt));
        st.orders.insert(
            order_id,
            OrderRec {
                receipt: receipt.clone(),
                line_items,
                registered,
                imported,
                personas,
                domain_ids,
                created_ms: ctx.now,
                google_inboxes_per_domain: inboxes,
            },
        );
        data(200, receipt)
    })
}

fn cancel_order(st: &mut State, ctx: &Ctx<'_>, app: &App, id: &str, c: CancelOrder) -> Answer {
    let Some(order) = st.orders.get(id) else {
        return Err(Fail::not_found(None, "order", id));
    };
    let targets: Vec<String> = match &c.domains {
        None => order.domain_ids.clone(),
        Some(refs) => {
            let mut out = Vec::new();
            for (i, r) in refs.iter().enumerate() {
                let hit = order
                    .domain_ids
                    .iter()
                    .find(|did| *did == r || st.domains.get(*did).is_some_and(|d| &d.domain == r));
                match hit {
                    Some(did) if !out.contains(did) => out.push(did.clone()),
                    Some(_) => {}
                    None => {
                        return Err(Fail::invalid(
                            &format!("domains[{i}]"),
                            format!("{} is not a domain of order {id}", shorten(r)),
                        )
                        .details(json!({ "reason": "not_on_order", "domain": r })))
                    }
                }
            }
            out
        }
    };
    let newly: Vec<String> = targets
        .iter()
        .filter(|d| {
            st.domains.get(*d).is_some_and(|d| {
                !matches!(
                    d.status,
                    DomainStatus::CancelScheduled | DomainStatus::Cancelled
                )
            })
        })
        .cloned()
        .collect();
    for d in &newly {
        if let Some(d) = st.domains.get_mut(d) {
            d.status = DomainStatus::CancelScheduled;
        }
    }
    let order_domains = st
        .orders
        .get(id)
        .map(|o| o.domain_ids.clone())
        .unwrap_or_default();
    let whole = order_domains.iter().all(|d| {
        st.domains.get(d).is_none_or(|d| {
            matches!(
                d.status,
                DomainStatus::CancelScheduled | DomainStatus::Cancelled
            )
        })
    });
    let Some(order) = st.orders.get_mut(id) else {
        return Err(Fail::not_found(None, "order", id));
    };
    if whole && order.receipt.status != OrderStatus::Cancelled {
        order.receipt.status = OrderStatus::CancelScheduled;
    }
    let receipt = order.receipt.clone();
    let cancels_at = receipt.renews_at.clone().unwrap_or_default();
    if !newly.is_empty() {
        st.emit(ctx, EventType::OrderCancelScheduled, to_value(&receipt));
        st.schedule(
            ctx.now + app.cfg.step_ms(),
            TaskKind::FinishCancel {
                order_id: id.to_owned(),
                domain_ids: newly,
                whole,
            },
        );
    }
    let domains: Vec<Value> = targets
        .iter()
        .filter_map(|d| st.domains.get(d))
        .map(|d| json!({ "id": d.id, "domain": d.domain }))
        .collect();
    data(
        200,
        json!({
            "id": id,
            "status": receipt.status,
            "cancellation_scheduled_at": crate::clock::iso(ctx.now),
            "cancels_at": cancels_at,
            "domains": domains,
        }),
    )
}

// ---------------------------------------------------------------- swaps

/// The live, connected domain a swap names, or why not.
fn swap_target(st: &State, reference: &str) -> Result<Domain, Fail> {
    let Some(d) = st.find_domain(reference) else {
        return Err(Fail::not_found(Some("domain_id"), "domain", reference));
    };
    if d.category != DomainCategory::Connected
        || matches!(
            d.status,
            DomainStatus::CancelScheduled | DomainStatus::Cancelled
        )
    {
        return Err(Fail::invalid(
            "domain_id",
            format!(
                "{} is not live on an order (status {}); only connected domains can be swapped",
                d.domain, d.status
            ),
        ));
    }
    Ok(d.clone())
}

fn create_swap(st: &mut State, ctx: &Ctx<'_>, app: &App, s: CreateSwap) -> Answer {
    let old = swap_target(st, &s.domain_id)?;
    let provider = old.provider.clone().unwrap_or(Provider::Google);
    if s.swap_type == SwapRequestType::Premium && provider != Provider::Microsoft {
        return Err(Fail::invalid(
            "type",
            "premium swaps are for Microsoft domains only; use \"standard\"",
        ));
    }
    let (row, _) = resolve(st, &s.replacement_domain);
    let need = if provider == Provider::Microsoft {
        Split {
            google: 0,
            microsoft: 1,
        }
    } else {
        Split {
            google: 1,
            microsoft: 0,
        }
    };
    if let SplitOutcome::Err { problems, .. } = check_domain_split(need, &[row]) {
        let mut f = split_failure(problems);
        f.error.field = Some("replacement_domain".into());
        return Err(f);
    }
    let swap = Swap {
        id: ctx.id("swp_"),
        swap_type: match s.swap_type {
            SwapRequestType::Standard => SwapType::Standard,
            SwapRequestType::Premium => SwapType::Premium,
        },
        domain_id: old.id.clone(),
        replacement_domain: Some(s.replacement_domain),
        status: SwapStatus::Created,
        created_at: crate::clock::iso(ctx.now),
        extra: Default::default(),
    };
    add_swap(st, ctx, app, &old, swap.clone(), false);
    data(201, swap)
}

fn add_swap(st: &mut State, ctx: &Ctx<'_>, app: &App, d: &Domain, swap: Swap, blocked: bool) {
    let step = app.cfg.step_ms();
    st.emit(ctx, EventType::SwapCreated, to_value(&swap));
    st.schedule(
        ctx.now + step,
        TaskKind::SwapInProgress {
            swap_id: swap.id.clone(),
        },
    );
    st.schedule(
        ctx.now + 2 * step,
        TaskKind::FinishSwap {
            swap_id: swap.id.clone(),
        },
    );
    st.swaps.insert(
        swap.id.clone(),
        SwapRec {
            swap,
            order_id: d.order_id.clone(),
            user_id: d.user_id.clone(),
            blocked,
        },
    );
}

/// One `user_names` row per inbox on the domain: `google_inboxes_per_domain`
/// on a Google domain, one on a Microsoft domain (one license per domain).
fn swap_user_names(st: &mut State, ctx: &Ctx<'_>, app: &App, s: UserNameSwap) -> Answer {
    let d = swap_target(st, &s.domain_id)?;
    let inboxes = match d.provider {
        Some(Provider::Microsoft) => 1,
        _ => d
            .order_id
            .as_ref()
            .and_then(|o| st.orders.get(o))
            .map(|o| o.google_inboxes_per_domain)
            .unwrap_or(2),
    };
    let blocked = s
        .personas
        .iter()
        .any(|p| !picture_is_public(p.profile_picture_url.as_deref()));
    let mut rows = Vec::new();
    for _ in 0..inboxes {
        let swap = Swap {
            id: ctx.id("swp_"),
            swap_type: SwapType::UserNames,
            domain_id: d.id.clone(),
            replacement_domain: None,
            status: SwapStatus::Created,
            created_at: crate::clock::iso(ctx.now),
            extra: Default::default(),
        };
        add_swap(st, ctx, app, &d, swap.clone(), blocked);
        rows.push(swap);
    }
    data(201, json!({ "swaps": rows }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn availability_rules() {
        assert!(availability("acme-mail.com").available);
        assert_eq!(
            availability("gonly-acme.com").usable_for,
            Some(vec![Provider::Google])
        );
        let t = availability("taken-acme.com");
        assert_eq!(t.reason, Some(UnavailableReason::Taken));
        let p = availability("premium-acme.com");
        assert_eq!((p.premium, p.available), (Some(true), false));
        assert_eq!(
            availability("invalid-x.com").reason,
            Some(UnavailableReason::Invalid)
        );
    }

    #[test]
    fn pictures() {
        for ok in [
            None,
            Some(""),
            Some("https://cdn.acme.com/a.jpg"),
            Some("http://8.8.8.8/x"),
        ] {
            assert!(picture_is_public(ok), "{ok:?}");
        }
        for bad in [
            "http://localhost/a.jpg",
            "http://127.0.0.1:8080/a.jpg",
            "https://10.1.2.3/a",
            "https://192.168.0.1/a",
            "https://172.20.0.1/a",
            "http://[::1]/a",
            "http://[fd00::1]/a",
            "file:///etc/passwd",
            "https://printer.local/a",
        ] {
            assert!(!picture_is_public(Some(bad)), "{bad}");
        }
    }

    #[test]
    fn tokens_round_trip_and_queries_decode() {
        let t = encode_token("ord_01ABC");
        assert_eq!(decode_token(&t).as_deref(), Some("ord_01ABC"));
        assert_eq!(
            decode_token("eyJjdXJzb3IiOiJ4eXoifQ").as_deref(),
            Some("xyz")
        );
        assert!(decode_token("!!").is_none());
        let q = query_json("per_page=5&user_email=a%2Bb%40x.com&status=x+y", false).unwrap();
        assert_eq!(q["per_page"], 5);
        assert_eq!(q["user_email"], "a+b@x.com");
        assert_eq!(q["status"], "x y");
        assert!(query_json("a=%zz", false).is_err());
        let l = query_json("domains=a.com,b.com", true).unwrap();
        assert_eq!(l["domains"], json!(["a.com", "b.com"]));
    }
}
