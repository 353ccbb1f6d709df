//! Domain swaps and user-name swaps (Part B §12.8).

use super::common::Extra;
use serde::{Deserialize, Serialize};
use tsify::Tsify;

open_enum! {
    pub enum SwapType { Standard = "standard", Premium = "premium", UserNames = "user_names" }
}

open_enum! {
    pub enum SwapStatus {
        Created = "created", InProgress = "in_progress", Completed = "completed",
        Failed = "failed", ActionRequired = "action_required"
    }
}

/// A swap (`swp_…`): one domain swap, or one inbox of a user-name swap; also
/// the `data` of `swap.*` events. `replacement_domain` is `null` for
/// `user_names` rows and always sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Tsify)]
pub struct Swap {
    pub id: String,
    #[serde(rename = "type")]
    pub swap_type: SwapType,
    pub domain_id: String,
    #[tsify(type = "string | null")]
    pub replacement_domain: Option<String>,
    pub status: SwapStatus,
    pub created_at: String,
    #[serde(flatten)]
    #[tsify(type = "Record<string, unknown>")]
    pub extra: Extra,
}

/// `POST /swaps/user_names`: one row per inbox on the domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Tsify)]
pub struct UserNameSwaps {
    pub swaps: Vec<Swap>,
    #[serde(flatten)]
    #[tsify(type = "Record<string, unknown>")]
    pub extra: Extra,
}
