//! What the ownership table learns: from the answers that pass through the
//! proxy ([`CustomerRequest::learn`]) and from webhook events
//! ([`event_record`]).

use super::{CustomerRequest, Identity, Kind, Owner};
use crate::request::Endpoint;
use serde_json::Value;

impl CustomerRequest {
    /// What a success answer (its JSON) teaches the ownership table: the
    /// records it created or listed for the customer.
    pub fn learn(&self, identity: &Identity, answer: &Value) -> Vec<Fact> {
        use Endpoint::*;
        let mut facts = Vec::new();
        let data = answer.get("data").unwrap_or(&Value::Null);
        let rows: Vec<&Value> = match data {
            Value::Array(items) => items.iter().collect(),
            Value::Null => Vec::new(),
            one => vec![one],
        };
        let mine = identity.owner();
        let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
        for row in rows {
            match self.endpoint {
                CreateUser | ListUsers | RetrieveUser | UpdateUser | DeleteUser => {
                    user_facts(row, &mut facts);
                }
                CreateOrder | ListOrders => {
                    let owner = order_facts(row, &mut facts);
                    if self.endpoint == CreateOrder {
                        for reference in self.references.iter().filter(|r| r.kind == Kind::Domain) {
                            facts.push(Fact::is(Kind::Domain, &reference.id, owner.clone()));
                        }
                    }
                }
                // A listed row teaches only what it says itself: the list is
                // filtered upstream, but the table never trusts a filter.
                ListDomains => {
                    let owner = Owner::of(text(row, "user_id").as_deref(), None);
                    for key in ["id", "domain"] {
                        if let Some(id) = text(row, key) {
                            facts.push(Fact::is(Kind::Domain, &id, owner.clone()));
                        }
                    }
                }
                ImportDomains | CreateImportJob => {
                    if let Some(id) = text(row, "id") {
                        facts.push(Fact::is(Kind::Import, &id, mine.clone()));
                    }
                    for domain in imported(row) {
                        facts.push(Fact::is(Kind::Domain, &domain, mine.clone()));
                    }
                }
                CreateForwarding => {
                    if let Some(id) = text(row, "id") {
                        facts.push(Fact::is(Kind::Forwarding, &id, mine.clone()));
                    }
                }
                CreateSwap => {
                    if let Some(id) = text(row, "id") {
                        facts.push(Fact::is(Kind::Swap, &id, mine.clone()));
                    }
                }
                SwapUserNames => {
                    for swap in row
                        .get("swaps")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        if let Some(id) = text(swap, "id") {
                            facts.push(Fact::is(Kind::Swap, &id, mine.clone()));
                        }
                    }
                }
                _ => {}
            }
        }
        known(facts)
    }
}

/// Facts with an owner: an answer that names nobody teaches nothing (and
/// must never clear an owner the table knows).
fn known(mut facts: Vec<Fact>) -> Vec<Fact> {
    facts.retain(|f| !matches!(&f.belongs, Belongs::To(owner) if !owner.is_known()));
    facts
}

/// Who a record belongs to, in a fact: an owner, or the same owner as
/// another record (a swap is its domain's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Belongs {
    To(Owner),
    SameAs(Kind, String),
}

/// One thing the ownership table learns: this record belongs to that owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub kind: Kind,
    pub id: String,
    pub belongs: Belongs,
}

impl Fact {
    fn is(kind: Kind, id: &str, owner: Owner) -> Fact {
        Fact {
            kind,
            id: id.to_owned(),
            belongs: Belongs::To(owner),
        }
    }

    fn same_as(kind: Kind, id: &str, other: Kind, other_id: &str) -> Fact {
        Fact {
            kind,
            id: id.to_owned(),
            belongs: Belongs::SameAs(other, other_id.to_owned()),
        }
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// A user object: its id belongs to it (id and email).
fn user_facts(user: &Value, facts: &mut Vec<Fact>) {
    if let Some(id) = str_of(user, "id") {
        facts.push(Fact::is(
            Kind::User,
            id,
            Owner::of(Some(id), str_of(user, "email")),
        ));
    }
}

/// An order (receipt or full): the order and its user belong to the user;
/// so do the domains a full order lists. Returns the owner.
fn order_facts(order: &Value, facts: &mut Vec<Fact>) -> Owner {
    let owner = Owner::of(str_of(order, "user_id"), str_of(order, "email"));
    if !owner.is_known() {
        return owner;
    }
    if let Some(id) = str_of(order, "id") {
        facts.push(Fact::is(Kind::Order, id, owner.clone()));
    }
    if let Some(user) = &owner.user_id {
        facts.push(Fact::is(Kind::User, user, owner.clone()));
    }
    let domains = order.get("domains");
    for key in ["registered", "imported"] {
        for name in domains
            .and_then(|d| d.get(key))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            facts.push(Fact::is(Kind::Domain, name, owner.clone()));
        }
    }
    owner
}

/// The names and `dom_` ids of an import's rows that did not fail.
fn imported(import: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for row in import
        .get("domains")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|r| str_of(r, "status") != Some("failed"))
    {
        out.extend(
            ["domain", "domain_id"]
                .iter()
                .filter_map(|k| str_of(row, k))
                .map(str::to_owned),
        );
    }
    out
}

/// What a stored webhook event means for ownership: the record it is about
/// (its owner is the event's owner, looked up when events are read), the
/// order it belongs to, and what it teaches the table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventRecord {
    pub subject: Option<(Kind, String)>,
    pub order_id: Option<String>,
    pub facts: Vec<Fact>,
}

/// The [`EventRecord`] of a verified event envelope (`{id, type, data}`).
/// An unknown event type has no subject: no customer token reads it.
pub fn event_record(event: &Value) -> EventRecord {
    let kind = str_of(event, "type").unwrap_or_default();
    let data = event.get("data").unwrap_or(&Value::Null);
    let id = str_of(data, "id").map(str::to_owned);
    let mut record = EventRecord::default();
    let (group, name) = kind.split_once('.').unwrap_or((kind, ""));
    let subject = match (group, name) {
        ("order", _) => {
            order_facts(data, &mut record.facts);
            record.order_id = id.clone();
            Some(Kind::Order)
        }
        ("domain", "connected" | "action_required") => {
            if let Some(dom) = &id {
                let name = str_of(data, "domain");
                let refs = std::iter::once(dom.as_str()).chain(name);
                match (str_of(data, "user_id"), str_of(data, "order_id")) {
                    (Some(user), _) => {
                        for r in refs {
                            record.facts.push(Fact::is(
                                Kind::Domain,
                                r,
                                Owner::of(Some(user), None),
                            ));
                        }
                    }
                    (None, Some(order)) => {
                        for r in refs {
                            record
                                .facts
                                .push(Fact::same_as(Kind::Domain, r, Kind::Order, order));
                        }
                    }
                    _ => {}
                }
            }
            Some(Kind::Domain)
        }
        ("domain", _) => Some(Kind::Forwarding),
        ("domain_import", _) => {
            if let Some(import) = &id {
                for domain in imported(data) {
                    record
                        .facts
                        .push(Fact::same_as(Kind::Domain, &domain, Kind::Import, import));
                }
            }
            Some(Kind::Import)
        }
        ("swap", _) => {
            if let (Some(swap), Some(domain)) = (&id, str_of(data, "domain_id")) {
                record
                    .facts
                    .push(Fact::same_as(Kind::Swap, swap, Kind::Domain, domain));
                if let (true, Some(replacement)) =
                    (name == "completed", str_of(data, "replacement_domain"))
                {
                    record.facts.push(Fact::same_as(
                        Kind::Domain,
                        replacement,
                        Kind::Domain,
                        domain,
                    ));
                }
            }
            Some(Kind::Swap)
        }
        _ => None,
    };
    if record.order_id.is_none() {
        record.order_id = str_of(data, "order_id").map(str::to_owned);
    }
    record.subject = subject.zip(id);
    record.facts = known(record.facts);
    record
}
