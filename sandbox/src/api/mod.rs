//! The endpoints of the table with docs/contract.md's rules: dispatch only. Bodies
//! and queries are parsed with the SDK's own `validate::parse_*`, the split
//! with `split::check_domain_split` and bundle sizes with
//! `sizing::required_domains`, so the sandbox answers exactly what the SDK
//! predicts. One module per resource; `paging` is the one list handler.

pub mod availability;
mod bundles;
pub mod decode;
mod domains;
mod error;
pub(crate) mod forwarding;
pub(crate) mod imports;
pub(crate) mod orders;
mod paging;
pub(crate) mod pending;
pub mod pictures;
pub(crate) mod swaps;
mod users;

pub use error::{status_for, Fail};
pub use orders::{DEDUPE_MS, GOOGLE_LICENSE_CENTS, MICROSOFT_LICENSE_CENTS};
pub use paging::DEFAULT_PER_PAGE;
pub use swaps::{COOLDOWN_MS, TIERS};

use crate::App;
use peeker_partner::request::Endpoint;
use serde::Serialize;
use serde_json::{json, Value};
use std::sync::Arc;

/// One API request past the server's extractors (authentication, rate limit,
/// routing, faults, preset, body limit).
pub struct Req<'a> {
    pub endpoint: Endpoint,
    /// The `{id}` path segment, decoded.
    pub id: &'a str,
    /// The raw query string (no `?`).
    pub query: &'a str,
    pub body: &'a [u8],
    /// `http://host:port/partner/v1`, for `links`.
    pub base: &'a str,
    /// The API key (swap tiers are set per key).
    pub key: &'a str,
    pub preset: &'a str,
}

/// A status and the body, or the error answer.
pub type Answer = Result<(u16, Value), Fail>;

/// `{"data": value}`.
pub fn data<T: Serialize>(status: u16, value: T) -> Answer {
    Ok((status, json!({ "data": value })))
}

/// A retrieve's answer: the record found by its id, or 404 naming `what`.
pub fn found<T: Serialize>(record: Option<T>, what: &str, id: &str) -> Answer {
    match record {
        Some(record) => data(200, record),
        None => Err(Fail::not_found(None, what, id)),
    }
}

/// Answers one request.
pub async fn handle(app: &Arc<App>, r: &Req<'_>) -> Answer {
    use Endpoint as E;
    match r.endpoint {
        E::Me => me(r),
        E::CreateBundle => bundles::create(app, r).await,
        E::ListBundles => bundles::list(app, r),
        E::RetrieveBundle => bundles::retrieve(app, r),
        E::UpdateBundle => bundles::update(app, r).await,
        E::DeleteBundle => bundles::delete(app, r).await,
        E::CreateUser => users::create(app, r).await,
        E::ListUsers => users::list(app, r),
        E::RetrieveUser => users::retrieve(app, r),
        E::UpdateUser => users::update(app, r).await,
        E::DeleteUser => users::delete(app, r).await,
        E::CheckAvailability => availability::check(r),
        E::ImportDomains => imports::import(app, r).await,
        E::CreateImportJob => imports::create_job(app, r).await,
        E::RetrieveImport | E::RetrieveImportJob => imports::retrieve(app, r),
        E::LookupImports => imports::lookup(app, r),
        E::ListDomains => domains::list(app, r),
        E::CreateForwarding => forwarding::create(app, r).await,
        E::RetrieveForwarding => forwarding::retrieve(app, r),
        E::CreateOrder => orders::create(app, r).await,
        E::ListOrders => orders::list(app, r),
        E::CancelOrder => orders::cancel(app, r).await,
        E::ListPending => pending::list(app, r),
        E::CreateSwap => swaps::create(app, r).await,
        E::ListSwaps => swaps::list(app, r),
        E::RetrieveSwap => swaps::retrieve(app, r),
        E::SwapUserNames => swaps::user_names(app, r).await,
    }
}

/// `GET /me`: sandbox keys are `test` keys of one partner.
fn me(r: &Req<'_>) -> Answer {
    data(
        200,
        json!({
            "api_key": { "environment": "test", "permission_preset": r.preset },
            "partner": { "id": "org_01HZX0SANDB0X0PARTNER00000", "name": "Sandbox Partner" },
        }),
    )
}
