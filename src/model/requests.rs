//! Request bodies and list queries (docs/contract.md#request-bodies).
//!
//! Build these with the validators' `parse_*` functions, which check every
//! rule and normalise domain names. Fields are declared in the order the
//! contract lists them and optional ones are skipped when unset, so
//! `serde_json::to_vec` gives one canonical byte string per logical body
//! (docs/contract.md#idempotency-and-retries).

use super::user::SequencerProvider;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

// The value lists the validators enforce, also stated in the schemas (and
// so in openapi.json and the TypeScript).
use super::{DomainCategory, OrderStatus, PendingActionStatus, Provider, SwapStatus, UserStatus};

// The limits the validators enforce, also stated in the schemas below (and
// so in openapi.json and the TypeScript): one number, one place.

/// Availability takes at most this many names per call.
pub const AVAILABILITY_MAX: usize = 50;
/// Synchronous import limit.
pub const IMPORT_MAX: usize = 25;
/// Import job limit.
pub const IMPORT_JOB_MAX: usize = 500;
/// Forwarding job limit.
pub const FORWARDING_MAX: usize = 25;
/// Personas per order or user-name swap.
pub const PERSONAS_MAX: usize = 10;
/// Largest integer JS can hold exactly; a ceiling for counts.
pub const SAFE_INT: i64 = 9_007_199_254_740_991;
/// Largest page the API serves.
pub const PER_PAGE_MAX: i64 = 100;
/// Names per `GET /domains/import?domains=…` lookup (kept well under URL limits).
pub const IMPORT_LOOKUP_MAX: usize = 100;
/// Largest request body the API takes: past it, 413 `payload_too_large`.
pub const MAX_BODY_BYTES: u32 = 1024 * 1024;

/// What `GET /bundles?status=` takes (a deleted bundle is gone from lists).
pub const BUNDLE_STATUS_FILTERS: &[&str] = &["active", "archived"];

/// A domain name (`format: hostname`; the server also takes IDNs and any case).
fn hostname(schema: &mut schemars::Schema) {
    schema.insert("format".into(), "hostname".into());
}

/// A domain name or a `dom_…` id.
fn name_or_id(schema: &mut schemars::Schema) {
    schema.insert(
        "anyOf".into(),
        serde_json::json!([
            { "type": "string", "format": "hostname" },
            { "type": "string", "pattern": "^dom_[A-Za-z0-9_-]{1,64}$" },
        ]),
    );
}

/// What `item` says of a string, said of every item of a list.
fn each(item: fn(&mut schemars::Schema)) -> impl FnMut(&mut schemars::Schema) {
    move |schema| {
        if let Some(items) = schema.get_mut("items") {
            if let Ok(items) = <&mut schemars::Schema>::try_from(items) {
                item(items);
            }
        }
    }
}

/// An absolute http(s) URL (the scheme in any case).
fn http_url(schema: &mut schemars::Schema) {
    schema.insert("pattern".into(), "^[Hh][Tt][Tt][Pp][Ss]?://".into());
}

/// The schema of a filter whose values the contract lists in full: one of
/// them, or `null` (the same as leaving it out).
fn closed(values: &'static [&'static str]) -> impl FnMut(&mut schemars::Schema) {
    move |schema| {
        let mut list: Vec<serde_json::Value> = values.iter().map(|v| (*v).into()).collect();
        list.push(serde_json::Value::Null);
        schema.insert("enum".into(), list.into());
    }
}

/// A PATCH field: left out, sent as `null`, or sent with a value.
///
/// `google_percent: null` (back to the recommended split) differs from leaving
/// the field out (keep the current split), so `Option` alone cannot carry it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Patch<T> {
    /// Not sent; the server keeps the current value.
    #[default]
    Absent,
    /// Sent as `null`.
    Null,
    /// Sent with this value.
    Value(T),
}

impl<T> Patch<T> {
    pub fn is_absent(&self) -> bool {
        matches!(self, Patch::Absent)
    }
}

/// On the wire a PATCH field is the value or `null` (absent fields are left out).
impl<T: JsonSchema> JsonSchema for Patch<T> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        Option::<T>::schema_name()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        Option::<T>::json_schema(g)
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            // Absent fields are skipped by `skip_serializing_if`; if one is
            // serialised anyway, `null` is the only honest spelling.
            Patch::Absent | Patch::Null => s.serialize_none(),
            Patch::Value(v) => v.serialize(s),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    /// Only called when the key is present (`#[serde(default)]` gives `Absent`).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(d)? {
            None => Patch::Null,
            Some(v) => Patch::Value(v),
        })
    }
}

/// `POST /bundles`. Percents: both set (summing to 100) or both left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CreateBundle {
    #[schemars(length(min = 1))]
    pub name: String,
    #[schemars(range(min = 1, max = SAFE_INT))]
    pub monthly_sending_volume: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 100))]
    pub google_percent: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 100))]
    pub microsoft_percent: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = false))]
    pub send_on_weekends: Option<bool>,
    /// 2 or 3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 2, max = 3), extend("default" = 2))]
    pub google_inboxes_per_domain: Option<u8>,
}

/// `PATCH /bundles/{id}`: every field optional; the percents are sent together,
/// both numbers or both `null`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct UpdateBundle {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = SAFE_INT))]
    pub monthly_sending_volume: Option<u64>,
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    #[schemars(range(min = 0, max = 100))]
    pub google_percent: Patch<u8>,
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    #[schemars(range(min = 0, max = 100))]
    pub microsoft_percent: Patch<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_on_weekends: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 2, max = 3))]
    pub google_inboxes_per_domain: Option<u8>,
}

/// A user's sequencer route. `client_id: null` (or `""` from the caller, sent
/// as `null`) selects the partner's default route, so the key is always sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct UserSequencer {
    pub provider: SequencerProvider,
    #[schemars(range(min = 1))]
    pub client_id: Option<u64>,
}

/// `POST /users`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CreateUser {
    #[schemars(email)]
    pub email: String,
    pub sequencer: UserSequencer,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub last_name: Option<String>,
}

/// `PATCH /users/{id}`: every field optional.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct UpdateUser {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(email)]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequencer: Option<UserSequencer>,
}

/// `POST /domains/availability`: at most 50 names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct AvailabilityRequest {
    #[schemars(length(min = 1, max = AVAILABILITY_MAX))]
    pub domains: Vec<String>,
}

/// `POST /domains/import` (synchronous): at most 25 registrable root domains.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ImportRequest {
    #[schemars(length(min = 1, max = IMPORT_MAX))]
    #[schemars(transform = each(hostname))]
    pub domains: Vec<String>,
}

/// `POST /domains/import/jobs`: at most 500 registrable root domains.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ImportJobRequest {
    #[schemars(length(min = 1, max = IMPORT_JOB_MAX))]
    #[schemars(transform = each(hostname))]
    pub domains: Vec<String>,
}

/// `POST /domains/forwarding`: at most 25 domains (`dom_…` ids or names).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ForwardingRequest {
    #[schemars(length(min = 1, max = FORWARDING_MAX))]
    #[schemars(transform = each(name_or_id))]
    pub domains: Vec<String>,
    #[schemars(transform = http_url)]
    pub forwarding_url: String,
}

/// The Smartlead account an order pushes its inboxes into.
///
/// `Debug` is written by hand so the password never reaches a log.
#[derive(Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct OrderSequencer {
    pub provider: SequencerProvider,
    /// `null` selects the partner's default route; the key is always sent.
    #[schemars(range(min = 1))]
    pub client_id: Option<u64>,
    #[schemars(email)]
    pub login_email: String,
    #[schemars(length(min = 1))]
    pub login_password: String,
}

impl fmt::Debug for OrderSequencer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OrderSequencer")
            .field("provider", &self.provider)
            .field("client_id", &self.client_id)
            .field("login_email", &self.login_email)
            .field("login_password", &"***")
            .finish()
    }
}

/// One domain of an order: a name (or `dom_…` id) inheriting the order's
/// `forwarding_url`, or an object when this domain needs its own URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum OrderDomain {
    Name(#[schemars(transform = name_or_id)] String),
    WithForwarding {
        #[schemars(transform = name_or_id)]
        domain: String,
        #[schemars(transform = http_url)]
        forwarding_url: String,
    },
}

impl OrderDomain {
    /// The domain name or `dom_…` id.
    pub fn domain(&self) -> &str {
        match self {
            OrderDomain::Name(d) => d,
            OrderDomain::WithForwarding { domain, .. } => domain,
        }
    }
}

/// A person whose names become inbox addresses. The picture key is always
/// sent: a public http(s) URL, `null` or `""`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Persona {
    #[schemars(length(min = 1))]
    pub first_name: String,
    #[schemars(length(min = 1))]
    pub last_name: String,
    pub profile_picture_url: Option<String>,
}

/// `POST /orders`, newest shape: `user` is a `usr_…` id or an email; either
/// `bundle_id` or the custom license fields, never both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CreateOrder {
    pub user: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub google_licenses: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub microsoft_licenses: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 2, max = 3), extend("default" = 2))]
    pub google_inboxes_per_domain: Option<u8>,
    pub sequencer: OrderSequencer,
    #[schemars(length(min = 1))]
    pub domains: Vec<OrderDomain>,
    #[schemars(length(min = 1, max = PERSONAS_MAX))]
    pub personas: Vec<Persona>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(transform = http_url)]
    pub forwarding_url: Option<String>,
}

/// `POST /orders/{id}/cancel`: `domains: None` cancels the whole order and is
/// sent with no body.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CancelOrder {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1), transform = each(name_or_id))]
    pub domains: Option<Vec<String>>,
}

/// The two kinds of domain swap a partner can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SwapRequestType {
    /// Old domain retired at once.
    Standard,
    /// Old domain kept warm for 14 days (Microsoft domains only).
    Premium,
}

/// `POST /swaps`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CreateSwap {
    #[serde(rename = "type")]
    pub swap_type: SwapRequestType,
    #[schemars(transform = name_or_id)]
    pub domain_id: String,
    #[schemars(transform = hostname)]
    pub replacement_domain: String,
}

/// `POST /swaps/user_names`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct UserNameSwap {
    #[schemars(transform = name_or_id)]
    pub domain_id: String,
    #[schemars(length(min = 1, max = PERSONAS_MAX))]
    pub personas: Vec<Persona>,
}

/// Query of `GET /bundles`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct ListBundlesQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(transform = closed(BUNDLE_STATUS_FILTERS))]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = PER_PAGE_MAX), extend("default" = 25))]
    pub per_page: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_token: Option<String>,
}

/// Query of `GET /users`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct ListUsersQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(transform = closed(UserStatus::KNOWN))]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = PER_PAGE_MAX), extend("default" = 25))]
    pub per_page: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_token: Option<String>,
}

/// Query of `GET /domains`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct ListDomainsQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(transform = closed(DomainCategory::KNOWN))]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(transform = closed(Provider::KNOWN))]
    pub usable_for: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = PER_PAGE_MAX), extend("default" = 25))]
    pub per_page: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_token: Option<String>,
}

/// Query of `GET /orders`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct ListOrdersQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(transform = closed(OrderStatus::KNOWN))]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = PER_PAGE_MAX), extend("default" = 25))]
    pub per_page: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_token: Option<String>,
}

/// Query of `GET /orders/pending` (the server defaults `status` to `open`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct ListPendingQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// `usr_…` id or email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(transform = closed(PendingActionStatus::KNOWN), extend("default" = "open"))]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = PER_PAGE_MAX), extend("default" = 25))]
    pub per_page: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_token: Option<String>,
}

/// Query of `GET /swaps`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct ListSwapsQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(transform = closed(SwapStatus::KNOWN))]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = PER_PAGE_MAX), extend("default" = 25))]
    pub per_page: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_token: Option<String>,
}

/// Query of `GET /domains/import?domains=…`: find imports by domain name when
/// the `imp_…` id is lost. Sent comma-separated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ImportLookupQuery {
    #[schemars(length(min = 1, max = IMPORT_LOOKUP_MAX))]
    #[schemars(transform = each(hostname))]
    pub domains: Vec<String>,
}

/// The paging fields every list query has (docs/contract.md#pagination).
pub trait PageQuery: Clone {
    fn per_page(&self) -> Option<u8>;
    fn page_token(&self) -> Option<&str>;
    /// The same filters on another page.
    fn on_page(&self, per_page: Option<u8>, page_token: Option<String>) -> Self;
}

macro_rules! page_query {
    ($($t:ty),+) => {$(
        impl PageQuery for $t {
            fn per_page(&self) -> Option<u8> {
                self.per_page
            }
            fn page_token(&self) -> Option<&str> {
                self.page_token.as_deref()
            }
            fn on_page(&self, per_page: Option<u8>, page_token: Option<String>) -> Self {
                Self { per_page, page_token, ..self.clone() }
            }
        }
    )+};
}

page_query!(
    ListBundlesQuery,
    ListUsersQuery,
    ListDomainsQuery,
    ListOrdersQuery,
    ListPendingQuery,
    ListSwapsQuery
);
