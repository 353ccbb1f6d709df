//! Orders, cancellations and pending actions.

use super::common::{DomainRef, Extra, PersonaInfo};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

open_enum! {
    /// There is no `created`: an accepted order starts `in_progress`.
    pub enum OrderStatus {
        InProgress = "in_progress", Completed = "completed", Failed = "failed",
        ActionRequired = "action_required", CancelScheduled = "cancel_scheduled",
        Cancelled = "cancelled"
    }
}

open_enum! {
    /// What a line of an order's costs charges for.
    pub enum LineItemType {
        GoogleLicense = "google_license",
        MicrosoftLicense = "microsoft_license",
        DomainRegistration = "domain_registration"
    }
}

/// One cost line; `amount_cents` is the line total, not a unit price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LineItem {
    #[serde(rename = "type")]
    pub item_type: LineItemType,
    pub quantity: i64,
    pub amount_cents: i64,
    #[serde(flatten)]
    pub extra: Extra,
}

/// What an order costs. The receipt has only the total; the full order adds lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Costs {
    pub total_cents: i64,
    /// Lower-case, e.g. `usd`.
    pub currency: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_items: Option<Vec<LineItem>>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The lean order (`ord_…`) returned by `POST /orders`, `GET /orders` and the
/// `order.*` events other than `order.completed`. `bundle_id` is `null` for
/// custom orders and always sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct OrderReceipt {
    pub id: String,
    pub user_id: String,
    pub email: String,
    pub bundle_id: Option<String>,
    pub status: OrderStatus,
    pub domain_count: i64,
    pub costs: Costs,
    /// Absent in older answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renews_at: Option<String>,
    pub created_at: String,
    #[serde(flatten)]
    pub extra: Extra,
}

/// An order's domains by how they were sourced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct OrderDomains {
    pub registered: Vec<String>,
    pub imported: Vec<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The full order: the receipt plus cost lines, domains and people; the
/// `order.completed` payload. The docs' example lists people under the older
/// key `users`, the newer naming is `personas`; both are kept as sent, use
/// `FullOrder::people` to read whichever came.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FullOrder {
    pub id: String,
    pub user_id: String,
    pub email: String,
    pub bundle_id: Option<String>,
    pub status: OrderStatus,
    pub domain_count: i64,
    pub costs: Costs,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domains: Option<OrderDomains>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub personas: Option<Vec<PersonaInfo>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<Vec<PersonaInfo>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renews_at: Option<String>,
    pub created_at: String,
    #[serde(flatten)]
    pub extra: Extra,
}

impl FullOrder {
    /// The order's people, from `personas` or else the older `users`.
    pub fn people(&self) -> &[PersonaInfo] {
        self.personas
            .as_deref()
            .or(self.users.as_deref())
            .unwrap_or(&[])
    }
}

/// `POST /orders/{id}/cancel`: the schedule, inboxes go at `cancels_at` (end
/// of the renewal period).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct OrderCancellation {
    pub id: String,
    pub status: OrderStatus,
    pub cancellation_scheduled_at: String,
    pub cancels_at: String,
    /// The domains this cancellation covers.
    pub domains: Vec<DomainRef>,
    #[serde(flatten)]
    pub extra: Extra,
}

open_enum! {
    /// `open` until the partner (or, in the sandbox, `/_sandbox/pending/{id}/resolve`) resolves it.
    pub enum PendingActionStatus { Open = "open", Resolved = "resolved" }
}

open_enum! {
    /// What the partner must act on: a persona picture Google or Microsoft
    /// cannot fetch, or a domain whose DNS is not verified.
    pub enum PendingActionType {
        GoogleProfilePicture = "google_profile_picture",
        MicrosoftProfilePicture = "microsoft_profile_picture",
        DomainDns = "domain_dns"
    }
}

open_enum! {
    /// Why the action is pending.
    pub enum PendingActionReason {
        ProfilePictureNotAccessible = "profile_picture_not_accessible",
        DnsNotVerified = "dns_not_verified"
    }
}

/// A row of `GET /orders/pending` (`act_…`): something the partner must fix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PendingAction {
    pub id: String,
    #[serde(rename = "type")]
    pub action_type: PendingActionType,
    pub reason: PendingActionReason,
    pub status: PendingActionStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// The persona concerned, for picture problems.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<PersonaInfo>,
    pub message: String,
    pub created_at: String,
    #[serde(flatten)]
    pub extra: Extra,
}
