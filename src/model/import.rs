//! Importing customer-owned domains. The docs do not show these
//! bodies; the shape below is this project's decision (docs/contract.md#responses).

use super::common::Extra;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

open_enum! {
    /// An import (sync or job): `in_progress` until every domain has finished,
    /// then `completed`; `failed` when it failed before any domain connected;
    /// `action_required` while the customer has not pointed nameservers yet.
    pub enum ImportStatus {
        InProgress = "in_progress", Completed = "completed",
        Failed = "failed", ActionRequired = "action_required"
    }
}

open_enum! {
    /// One domain of an import: `pending` while waiting for its nameservers,
    /// `completed` once it is active in the partner inventory, `failed` with a reason.
    pub enum ImportDomainStatus { Pending = "pending", Completed = "completed", Failed = "failed" }
}

open_enum! {
    /// Why one domain of an import failed.
    pub enum ImportFailureReason {
        /// Not a valid domain name.
        Invalid = "invalid",
        /// Not a registrable root domain (e.g. `mail.acme.com`).
        NotRoot = "not_root",
        /// Already in this or another partner's inventory.
        AlreadyImported = "already_imported",
        /// Peeker could not complete the import; try again.
        Errored = "errored"
    }
}

/// One domain of an import.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ImportDomain {
    pub domain: String,
    pub status: ImportDomainStatus,
    /// The inventory row (`dom_…`) once the domain has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_id: Option<String>,
    /// Only when `status` is `failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<ImportFailureReason>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Nameservers the customer must set at the registrar for `domains`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NameserverGroup {
    /// e.g. `["helena.ns.peeker.ai", "idris.ns.peeker.ai"]`.
    pub nameservers: Vec<String>,
    pub domains: Vec<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// An import (`imp_…`): the answer of `POST /domains/import`, `POST
/// /domains/import/jobs`, `GET /domains/import/{id}`, `GET
/// /domains/import/jobs/{id}` and the `domain_import.*` events. Sync imports
/// and jobs share one shape so a partner handles both the same way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DomainImport {
    pub id: String,
    pub status: ImportStatus,
    pub domains: Vec<ImportDomain>,
    /// Failed domains appear in no group.
    pub nameserver_groups: Vec<NameserverGroup>,
    pub created_at: String,
    /// Set once `status` is terminal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// An async import job has the same shape as a sync import.
pub type ImportJob = DomainImport;

/// `GET /domains/import?domains=…`: the latest import holding each asked-for
/// domain (each import once, newest first), and the asked-for domains that no
/// import holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ImportLookup {
    pub imports: Vec<DomainImport>,
    pub not_found: Vec<String>,
    #[serde(flatten)]
    pub extra: Extra,
}
