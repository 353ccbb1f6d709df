//! `POST /domains/availability`.

use super::common::{Extra, Provider};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

open_enum! {
    /// Why a domain cannot be bought.
    pub enum UnavailableReason {
        Taken = "taken", Premium = "premium", Invalid = "invalid",
        Errored = "errored", Stale = "stale"
    }
}

/// One row of an availability answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AvailabilityRow {
    pub domain: String,
    pub available: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_cents: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewal_price_cents: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Absent on unavailable rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usable_for: Option<Vec<Provider>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub premium: Option<bool>,
    /// Only when `available` is false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<UnavailableReason>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl AvailabilityRow {
    pub fn usable_for(&self, provider: &Provider) -> bool {
        self.usable_for
            .as_ref()
            .is_some_and(|list| list.contains(provider))
    }
}

/// `POST /domains/availability`: one row per requested domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AvailabilityResponse {
    pub domains: Vec<AvailabilityRow>,
    #[serde(flatten)]
    pub extra: Extra,
}
