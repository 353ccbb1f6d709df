//! Inventory domains and forwarding jobs.

use super::common::{Extra, Provider};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

open_enum! {
    /// `inventory`: ready but on no order; `connected`: on an order.
    pub enum DomainCategory { Inventory = "inventory", Connected = "connected" }
}

open_enum! {
    /// The docs show `active` and `available`; the rest is this project's
    /// decision for the lifecycle around them.
    pub enum DomainStatus {
        /// In inventory, free for an order.
        Available = "available",
        /// On an order, being provisioned.
        Provisioning = "provisioning",
        /// On an order and live.
        Active = "active",
        /// Waiting on partner input (e.g. nameservers not flipped).
        ActionRequired = "action_required",
        CancelScheduled = "cancel_scheduled",
        Cancelled = "cancelled"
    }
}

/// A domain row (`dom_…`). Inventory rows carry no provider, user or order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Domain {
    pub id: String,
    pub domain: String,
    pub category: DomainCategory,
    pub status: DomainStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<Provider>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usable_for: Option<Vec<Provider>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forwarding_url: Option<String>,
    pub created_at: String,
    #[serde(flatten)]
    pub extra: Extra,
}

open_enum! {
    /// `in_progress`, then `completed` (all succeeded), `partial_success` (some
    /// failed) or `failed` (the whole job).
    pub enum ForwardingStatus {
        InProgress = "in_progress", Completed = "completed",
        PartialSuccess = "partial_success", Failed = "failed"
    }
}

open_enum! {
    /// Why forwarding failed for one domain.
    pub enum ForwardingFailureReason {
        /// The domain does not resolve; re-import or wait.
        DnsLookupFailed = "dns_lookup_failed",
        /// The URL answered 5xx during validation.
        TargetUnreachable = "target_unreachable",
        /// The URL is malformed or not http(s); resend on a new job.
        InvalidTarget = "invalid_target"
    }
}

/// A domain a forwarding job could not repoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ForwardingFailure {
    pub domain: String,
    pub reason: ForwardingFailureReason,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A forwarding job (`fwj_…`); also the `data` of `domain.forwarding_*` events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ForwardingJob {
    pub id: String,
    pub status: ForwardingStatus,
    pub completed_count: i64,
    pub failed_count: i64,
    pub forwarding_url: String,
    /// Domain names repointed, including those already pointing at the URL.
    pub completed: Vec<String>,
    pub failed: Vec<ForwardingFailure>,
    pub created_at: String,
    /// Absent until the job is terminal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}
