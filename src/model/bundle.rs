//! Bundles: saved order sizes.

use super::common::{Extra, RequiredDomains};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

open_enum! {
    /// `deleted` only appears in the DELETE answer.
    pub enum BundleStatus { Active = "active", Archived = "archived", Deleted = "deleted" }
}

/// The split Peeker actually uses, after filling in the recommended one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EffectiveSplit {
    pub google_percent: i64,
    pub microsoft_percent: i64,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A bundle object. The percents are always sent (`null` = recommended split),
/// so they serialise as `null` rather than being left out. The newer fields are
/// optional so an older-shaped bundle (no `required_domains`) still decodes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Bundle {
    /// `bun_…`
    pub id: String,
    pub name: String,
    pub monthly_sending_volume: i64,
    pub google_percent: Option<i64>,
    pub microsoft_percent: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_on_weekends: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub google_inboxes_per_domain: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective: Option<EffectiveSplit>,
    /// What an order on this bundle must pick; the SDK validates against this,
    /// never against its own computation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_domains: Option<RequiredDomains>,
    pub status: BundleStatus,
    pub created_at: String,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `DELETE /bundles/{id}`: `status` is `deleted`, or `archived` when an order
/// used the bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BundleDeleted {
    pub id: String,
    pub status: BundleStatus,
    #[serde(flatten)]
    pub extra: Extra,
}
