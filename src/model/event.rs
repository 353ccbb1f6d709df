//! The webhook envelope (Part A §A6, Part B §13).

use super::common::Extra;
use super::domain::{Domain, ForwardingJob};
use super::import::DomainImport;
use super::order::{FullOrder, OrderReceipt};
use super::swap::Swap;
use serde::de::DeserializeOwned;
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

/// The typed `data` of an event: one variant per known type. `Unknown` keeps
/// the raw `data` of an unknown type, or of a known type whose `data` did not
/// decode, so a receiver never fails on an event it cannot read.
#[derive(Debug, Clone, PartialEq)]
pub enum EventPayload {
    OrderInProgress(OrderReceipt),
    /// `order.completed` carries the full order (Part A §A6).
    OrderCompleted(FullOrder),
    OrderFailed(OrderReceipt),
    OrderActionRequired(OrderReceipt),
    OrderCancelScheduled(OrderReceipt),
    OrderCancelled(OrderReceipt),
    DomainConnected(Domain),
    DomainActionRequired(Domain),
    DomainForwardingUpdated(ForwardingJob),
    DomainForwardingFailed(ForwardingJob),
    DomainImportCompleted(DomainImport),
    DomainImportFailed(DomainImport),
    DomainImportActionRequired(DomainImport),
    SwapCreated(Swap),
    SwapInProgress(Swap),
    SwapCompleted(Swap),
    SwapFailed(Swap),
    SwapActionRequired(Swap),
    Unknown(Value),
}

impl Event {
    /// Decodes `data` by `type`. Never fails: see `EventPayload::Unknown`.
    pub fn payload(&self) -> EventPayload {
        use EventPayload as P;
        use EventType as T;
        let data = &self.data;
        let typed = match &self.event_type {
            T::OrderInProgress => decode(data).map(P::OrderInProgress),
            T::OrderCompleted => decode(data).map(P::OrderCompleted),
            T::OrderFailed => decode(data).map(P::OrderFailed),
            T::OrderActionRequired => decode(data).map(P::OrderActionRequired),
            T::OrderCancelScheduled => decode(data).map(P::OrderCancelScheduled),
            T::OrderCancelled => decode(data).map(P::OrderCancelled),
            T::DomainConnected => decode(data).map(P::DomainConnected),
            T::DomainActionRequired => decode(data).map(P::DomainActionRequired),
            T::DomainForwardingUpdated => decode(data).map(P::DomainForwardingUpdated),
            T::DomainForwardingFailed => decode(data).map(P::DomainForwardingFailed),
            T::DomainImportCompleted => decode(data).map(P::DomainImportCompleted),
            T::DomainImportFailed => decode(data).map(P::DomainImportFailed),
            T::DomainImportActionRequired => decode(data).map(P::DomainImportActionRequired),
            T::SwapCreated => decode(data).map(P::SwapCreated),
            T::SwapInProgress => decode(data).map(P::SwapInProgress),
            T::SwapCompleted => decode(data).map(P::SwapCompleted),
            T::SwapFailed => decode(data).map(P::SwapFailed),
            T::SwapActionRequired => decode(data).map(P::SwapActionRequired),
            T::Other(_) => None,
        };
        typed.unwrap_or_else(|| P::Unknown(data.clone()))
    }
}

fn decode<T: DeserializeOwned>(data: &Value) -> Option<T> {
    T::deserialize(data).ok()
}
