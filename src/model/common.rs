//! Pieces every resource shares.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Fields a response carried that this SDK version does not model, kept as sent.
pub type Extra = Map<String, Value>;

open_enum! {
    /// A mail provider; also the values of `usable_for`.
    pub enum Provider { Google = "google", Microsoft = "microsoft" }
}

/// `{"data": ...}`: every success body wraps its resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DataEnvelope<T> {
    pub data: T,
    #[serde(flatten)]
    pub extra: Extra,
}

impl<T> DataEnvelope<T> {
    pub fn new(data: T) -> Self {
        DataEnvelope {
            data,
            extra: Extra::new(),
        }
    }
}

/// How many domains of each provider an order on a bundle needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RequiredDomains {
    pub google: u32,
    pub microsoft: u32,
    pub total: u32,
}

/// `links` of a list page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Links {
    /// The first page, with the active filters kept.
    pub first: String,
    /// The next page; `null` on the last page. Opaque: follow it, never build it.
    pub next: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `meta` of a list page. There is no total count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Meta {
    pub path: String,
    pub per_page: i64,
    /// Rows in this page.
    pub returned: i64,
    #[serde(flatten)]
    pub extra: Extra,
}

/// One page of a list endpoint: `{data, links, meta}` (docs/contract.md#pagination).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct List<T> {
    pub data: Vec<T>,
    pub links: Links,
    pub meta: Meta,
    #[serde(flatten)]
    pub extra: Extra,
}

impl<T> List<T> {
    /// The opaque URL of the next page, or `None` on the last page.
    pub fn next_page(&self) -> Option<&str> {
        self.links.next.as_deref()
    }
}

/// A person on an order or a pending action: `{first_name, last_name,
/// profile_picture_url}`. The picture key is always sent (URL, `null` or `""`),
/// so it is serialised even when `null`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PersonaInfo {
    pub first_name: String,
    pub last_name: String,
    pub profile_picture_url: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A domain named by both its row id and its name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DomainRef {
    /// `dom_…`
    pub id: String,
    pub domain: String,
    #[serde(flatten)]
    pub extra: Extra,
}
