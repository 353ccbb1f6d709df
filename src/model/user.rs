//! End customers and `GET /me`.

use super::common::Extra;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

open_enum! {
    /// A deleted user frees its email.
    pub enum UserStatus { Active = "active", Deleted = "deleted" }
}

open_enum! {
    /// The customer's sequencer; only Smartlead is documented.
    pub enum SequencerProvider { Smartlead = "smartlead" }
}

/// A user's sequencer route as the API returns it (no credentials).
/// `client_id` is always sent; `null` means the partner's default route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SequencerRoute {
    pub provider: SequencerProvider,
    pub client_id: Option<i64>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A user (`usr_…`), the partner's end customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct User {
    pub id: String,
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    pub status: UserStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequencer: Option<SequencerRoute>,
    pub created_at: String,
    #[serde(flatten)]
    pub extra: Extra,
}

open_enum! {
    /// `test` for `pk_test_…` keys, `live` for `pk_live_…`.
    pub enum KeyEnvironment { Test = "test", Live = "live" }
}

open_enum! {
    /// What a key may do.
    pub enum PermissionPreset { Full = "full", Limited = "limited", Read = "read" }
}

/// The calling key, as `GET /me` describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ApiKeyInfo {
    pub environment: KeyEnvironment,
    pub permission_preset: PermissionPreset,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The partner organisation (`org_…`) the key belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PartnerInfo {
    pub id: String,
    pub name: String,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `GET /me`: the cheapest call, used as a health check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MeResponse {
    pub api_key: ApiKeyInfo,
    pub partner: PartnerInfo,
    #[serde(flatten)]
    pub extra: Extra,
}
