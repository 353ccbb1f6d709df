//! Domain swaps and user-name swaps (docs/contract.md#swaps).

use super::common::Extra;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

open_enum! {
    /// A `standard` or `premium` domain swap, or one inbox of a `user_names` swap.
    pub enum SwapType { Standard = "standard", Premium = "premium", UserNames = "user_names" }
}

open_enum! {
    /// `created`, `in_progress`, then `completed`, `failed` or `action_required`.
    pub enum SwapStatus {
        Created = "created", InProgress = "in_progress", Completed = "completed",
        Failed = "failed", ActionRequired = "action_required"
    }
}

/// A swap (`swp_…`): one domain swap, or one inbox of a user-name swap; also
/// the `data` of `swap.*` events. `replacement_domain` is `null` for
/// `user_names` rows and always sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Swap {
    pub id: String,
    #[serde(rename = "type")]
    pub swap_type: SwapType,
    pub domain_id: String,
    pub replacement_domain: Option<String>,
    pub status: SwapStatus,
    pub created_at: String,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `POST /swaps/user_names`: one row per inbox on the domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct UserNameSwaps {
    pub swaps: Vec<Swap>,
    #[serde(flatten)]
    pub extra: Extra,
}
