//! The webhook envelope (docs/contract.md#webhook-events).

use super::common::Extra;
use super::domain::{Domain, ForwardingJob};
use super::import::DomainImport;
use super::order::{FullOrder, OrderReceipt};
use super::swap::Swap;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Declares every event type once, with the type of its `data`: the open
/// enum [`EventType`], the typed [`EventPayload`], [`Event::payload`], and
/// [`EVENTS`] (the generated TypeScript union and OpenAPI `webhooks` come
/// from it).
macro_rules! events {
    ($($(#[doc = $doc:literal])* $variant:ident = $wire:literal => $payload:ty,)+) => {
        open_enum! {
            /// Every event type the API sends.
            pub enum EventType { $($variant = $wire),+ }
        }

        /// The typed `data` of an event: one variant per known type. `Unknown`
        /// keeps the raw `data` of an unknown type, or of a known type whose
        /// `data` did not decode, so a receiver never fails on an event it
        /// cannot read.
        #[derive(Debug, Clone, PartialEq)]
        pub enum EventPayload {
            $($(#[doc = $doc])* $variant($payload),)+
            Unknown(Value),
        }

        /// Every event type with the schema of its `data`.
        pub const EVENTS: &[EventKind] = &[$(EventKind {
            event_type: $wire,
            data: |g| g.subschema_for::<$payload>(),
            description: concat!($($doc),*),
        },)+];

        impl Event {
            /// Decodes `data` by `type`. Never fails: see `EventPayload::Unknown`.
            pub fn payload(&self) -> EventPayload {
                let typed = match &self.event_type {
                    $(EventType::$variant => decode(&self.data).map(EventPayload::$variant),)+
                    EventType::Other(_) => None,
                };
                typed.unwrap_or_else(|| EventPayload::Unknown(self.data.clone()))
            }
        }
    };
}

/// One row of [`EVENTS`].
pub struct EventKind {
    /// `order.completed`, ...
    pub event_type: &'static str,
    /// The schema (a `$ref`) of the event's `data`.
    pub data: fn(&mut SchemaGenerator) -> Schema,
    /// The row's doc comment (one line).
    pub description: &'static str,
}

events! {
    /// Order accepted, provisioning started.
    OrderInProgress = "order.in_progress" => OrderReceipt,
    /// Every domain and inbox live: carries the full order.
    OrderCompleted = "order.completed" => FullOrder,
    /// Unrecoverable provisioning error.
    OrderFailed = "order.failed" => OrderReceipt,
    /// Partner input needed: see `GET /orders/pending`.
    OrderActionRequired = "order.action_required" => OrderReceipt,
    /// Cancellation accepted; it finishes at the end of the renewal period.
    OrderCancelScheduled = "order.cancel_scheduled" => OrderReceipt,
    /// Cancellation done; the domains are released.
    OrderCancelled = "order.cancelled" => OrderReceipt,
    /// A domain is provisioned with its mail provider.
    DomainConnected = "domain.connected" => Domain,
    /// A domain waits on the partner (e.g. nameservers not pointed).
    DomainActionRequired = "domain.action_required" => Domain,
    /// A forwarding job applied (some of) its domains.
    DomainForwardingUpdated = "domain.forwarding_updated" => ForwardingJob,
    /// A forwarding job failed for (some of) its domains.
    DomainForwardingFailed = "domain.forwarding_failed" => ForwardingJob,
    /// Every domain of an import finished.
    DomainImportCompleted = "domain_import.completed" => DomainImport,
    /// An import failed before any domain connected.
    DomainImportFailed = "domain_import.failed" => DomainImport,
    /// The customer has not pointed the nameservers yet.
    DomainImportActionRequired = "domain_import.action_required" => DomainImport,
    /// `POST /swaps` (or one row of a user-name swap) accepted.
    SwapCreated = "swap.created" => Swap,
    /// Peeker picked the swap up.
    SwapInProgress = "swap.in_progress" => Swap,
    /// The replacement is live; the old domain detached.
    SwapCompleted = "swap.completed" => Swap,
    /// Unrecoverable; read the latest with `GET /swaps/{id}`.
    SwapFailed = "swap.failed" => Swap,
    /// Blocked on partner input.
    SwapActionRequired = "swap.action_required" => Swap,
}

/// `{"id","type","created_at","data"}`; `data` is the resource itself, kept raw
/// here so an event of an unknown type is never rejected. `Event::payload`
/// gives the typed view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub event_type: EventType,
    pub created_at: String,
    pub data: Value,
    #[serde(flatten)]
    pub extra: Extra,
}

fn decode<T: DeserializeOwned>(data: &Value) -> Option<T> {
    T::deserialize(data).ok()
}
