//! Whose records a browser token reaches: the ownership rules of the
//! Worker's proxy, decided here and enforced by the Worker
//! (docs/contract.md#ownership).
//!
//! A customer token (`sub`: a `usr_…` id or an email) acts only on that
//! customer's records. The proxy keeps an ownership table (kind, id) → owner,
//! learned from the answers that pass through it and from webhook payloads;
//! this module says, for one request, which references must be the
//! customer's ([`CustomerRequest::new`]), whether the looked-up owners allow
//! it and what exactly is sent ([`CustomerRequest::decide`]), and what the
//! answer teaches ([`CustomerRequest::learn`], [`event_record`]). No I/O, no
//! clock: the Worker does the look-ups.

mod identity;
mod learn;
mod request;
mod rules;

pub use identity::{fold_email, Customer, Identity, Owner};
pub use learn::{event_record, Belongs, EventRecord, Fact};
pub use request::{CustomerRequest, Decision, Must, Reference, Refusal};
pub use rules::{is_account_scope, rule, Rule, ACCOUNT_EXTRA_SCOPES};

macro_rules! kinds {
    ($($(#[$doc:meta])* $name:ident = $wire:literal,)+) => {
        /// The kinds of record the ownership table knows.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Kind { $($(#[$doc])* $name,)+ }

        impl Kind {
            pub fn as_str(self) -> &'static str {
                match self { $(Kind::$name => $wire,)+ }
            }

            pub fn parse(text: &str) -> Option<Kind> {
                match text { $($wire => Some(Kind::$name),)+ _ => None }
            }
        }
    };
}

kinds! {
    /// `usr_…`.
    User = "user",
    /// `ord_…`.
    Order = "order",
    /// A domain, under its `dom_…` id and under its name (both rows).
    Domain = "domain",
    /// `imp_…`, sync imports and jobs alike.
    Import = "import",
    /// `fwj_…`.
    Forwarding = "forwarding",
    /// `swp_…`.
    Swap = "swap",
}
