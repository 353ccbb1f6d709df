//! What a customer token may do with each endpoint.

use super::Kind;
use crate::request::Endpoint;

/// What a customer token may do with an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// No per-customer meaning: the whole account (`me`, bundle writes).
    /// Granted only when the minting backend asks for it explicitly.
    Account,
    /// Nothing of any customer in it (bundle reads, availability).
    Open,
    /// The customer's own records only.
    Customer,
}

/// The rule of each endpoint (an exhaustive match: a new endpoint must be
/// placed here before it compiles).
pub fn rule(endpoint: Endpoint) -> Rule {
    use Endpoint::*;
    match endpoint {
        Me | CreateBundle | UpdateBundle | DeleteBundle => Rule::Account,
        ListBundles | RetrieveBundle | CheckAvailability => Rule::Open,
        CreateUser | ListUsers | RetrieveUser | UpdateUser | DeleteUser | ImportDomains
        | LookupImports | RetrieveImport | CreateImportJob | RetrieveImportJob | ListDomains
        | CreateForwarding | RetrieveForwarding | CreateOrder | ListOrders | ListPending
        | CancelOrder | CreateSwap | ListSwaps | RetrieveSwap | SwapUserNames => Rule::Customer,
    }
}

/// The kind of record an endpoint's `{id}` names, checked against the
/// customer for [`Rule::Customer`] endpoints (exhaustive, like [`rule`]: a new
/// endpoint with an id in its path cannot skip the check by omission).
pub fn path_record(endpoint: Endpoint) -> Option<Kind> {
    use Endpoint::*;
    match endpoint {
        RetrieveUser | UpdateUser | DeleteUser => Some(Kind::User),
        RetrieveImport | RetrieveImportJob => Some(Kind::Import),
        RetrieveForwarding => Some(Kind::Forwarding),
        CancelOrder => Some(Kind::Order),
        RetrieveSwap => Some(Kind::Swap),
        // Bundles belong to the account, not to a customer.
        RetrieveBundle | UpdateBundle | DeleteBundle => None,
        // No id in the path.
        Me | CreateBundle | ListBundles | CheckAvailability | CreateUser | ListUsers
        | ImportDomains | LookupImports | CreateImportJob | ListDomains | CreateForwarding
        | CreateOrder | ListOrders | ListPending | CreateSwap | ListSwaps | SwapUserNames => None,
    }
}

/// The Worker's own scopes that reach the whole account: every customer's
/// events, and the forwarding dead letters.
pub const ACCOUNT_EXTRA_SCOPES: &[&str] = &["events.readAll", "forwarding.admin"];

/// Whether a scope name reaches the whole account (see [`Rule::Account`]).
pub fn is_account_scope(name: &str) -> bool {
    ACCOUNT_EXTRA_SCOPES.contains(&name)
        || Endpoint::from_client_name(name).is_some_and(|e| rule(e) == Rule::Account)
}
