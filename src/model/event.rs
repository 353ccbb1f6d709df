//! The webhook envelope (Part A §A6, Part B §13).

use super::common::Extra;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tsify::Tsify;

open_enum! {
    /// Every event type of Part B §13.
    pub enum EventType {
        OrderInProgress = "order.in_progress",
        OrderCompleted = "order.completed",
        OrderFailed = "order.failed",
        OrderActionRequired = "order.action_required",
        OrderCancelScheduled = "order.cancel_scheduled",
        OrderCancelled = "order.cancelled",
        DomainConnected = "domain.connected",
        DomainActionRequired = "domain.action_required",
        DomainForwardingUpdated = "domain.forwarding_updated",
        DomainForwardingFailed = "domain.forwarding_failed",
        DomainImportCompleted = "domain_import.completed",
        DomainImportFailed = "domain_import.failed",
        DomainImportActionRequired = "domain_import.action_required",
        SwapCreated = "swap.created",
        SwapInProgress = "swap.in_progress",
        SwapCompleted = "swap.completed",
        SwapFailed = "swap.failed",
        SwapActionRequired = "swap.action_required"
    }
}

/// `{"id","type","created_at","data"}`; `data` is the resource itself, kept raw
/// here so an event of an unknown type is never rejected. `Event::payload`
/// gives the typed view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Tsify)]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub event_type: EventType,
    pub created_at: String,
    #[tsify(type = "Record<string, unknown>")]
    pub data: Value,
    #[serde(flatten)]
    #[tsify(type = "Record<string, unknown>")]
    pub extra: Extra,
}
