//! Whose records a browser token reaches: the ownership rules of the
//! Worker's proxy, decided here and enforced by the Worker (contract A9,
//! "Ownership"; the design is in `notes/contract-decisions.md`).
//!
//! A customer token (`sub`: a `usr_…` id or an email) acts only on that
//! customer's records. The proxy keeps an ownership table (kind, id) → owner,
//! learned from the answers that pass through it and from webhook payloads;
//! this module says, for one request, which references must be the
//! customer's ([`CustomerRequest::new`]), whether the looked-up owners allow
//! it and what exactly is sent ([`CustomerRequest::decide`]), and what the
//! answer teaches ([`CustomerRequest::learn`], [`event_record`]). No I/O, no
//! clock: the Worker does the look-ups.

use crate::error::{codes, envelope, PeekerError, Problem};
use crate::json::object;
use crate::request::{Endpoint, HttpRequest};
use crate::validate::names::{check_email, normalize_domain};
use serde_json::{Map, Value};

/// The customer a browser token stands for: its `sub`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Customer {
    /// A `usr_…` id, compared exactly.
    Id(String),
    /// An email, ASCII-lower-cased: emails compare with ASCII case folding
    /// only (a Kelvin sign is not a `k`).
    Email(String),
}

/// ASCII case folding, the only folding emails get here.
pub fn fold_email(email: &str) -> String {
    email.to_ascii_lowercase()
}

impl Customer {
    /// The customer of a canonical `sub`: `usr_` + 1–64 of `[A-Za-z0-9_-]`,
    /// or an email whose domain is written as the core normalises it
    /// (lower-case, A-label) with nothing around it. `Err` says why not.
    pub fn from_sub(sub: &str) -> Result<Customer, String> {
        if let Some(id) = sub.strip_prefix("usr_") {
            let ok = (1..=64).contains(&id.len())
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            return if ok {
                Ok(Customer::Id(sub.to_owned()))
            } else {
                Err("a usr_ id is usr_ and 1–64 letters, digits, _ or -".to_owned())
            };
        }
        check_email(sub).map_err(|why| format!("the email {why}"))?;
        let (_, domain) = sub.rsplit_once('@').unwrap_or_default();
        match normalize_domain(domain) {
            Ok(canonical) if canonical == domain => Ok(Customer::Email(fold_email(sub))),
            Ok(canonical) => Err(format!(
                "write the email's domain as {canonical} (lower-case, A-label)"
            )),
            Err(why) => Err(format!("the email's domain {why}")),
        }
    }

    /// The key of the user rows to look up for this customer's identity:
    /// the `usr_` id or the folded email (one of the two is set).
    pub fn key(&self) -> Owner {
        match self {
            Customer::Id(id) => Owner::of(Some(id), None),
            Customer::Email(email) => Owner::of(None, Some(email)),
        }
    }
}

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

/// Who a record belongs to, as far as the proxy learned it. `email` is folded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Owner {
    pub user_id: Option<String>,
    pub email: Option<String>,
}

impl Owner {
    fn of(user_id: Option<&str>, email: Option<&str>) -> Owner {
        Owner {
            user_id: user_id.filter(|s| !s.is_empty()).map(str::to_owned),
            email: email.filter(|s| !s.is_empty()).map(fold_email),
        }
    }

    fn is_known(&self) -> bool {
        self.user_id.is_some() || self.email.is_some()
    }
}

/// Every form the token's customer is known under: its own `sub` and the
/// user rows the table links to it (a `usr_` id to its email, an email to
/// its user ids). Newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    pub user_ids: Vec<String>,
    pub emails: Vec<String>,
}

impl Identity {
    /// The identity of `customer` from the table's user rows (`user_id` the
    /// row's id, `email` its email), newest first; rows of other customers
    /// are ignored.
    pub fn resolve(customer: &Customer, users: &[Owner]) -> Identity {
        let mut identity = Identity::default();
        let add = |list: &mut Vec<String>, value: &str| {
            if !list.iter().any(|v| v == value) {
                list.push(value.to_owned());
            }
        };
        match customer {
            Customer::Id(id) => {
                add(&mut identity.user_ids, id);
                for user in users.iter().filter(|u| u.user_id.as_deref() == Some(id)) {
                    if let Some(email) = &user.email {
                        add(&mut identity.emails, email);
                    }
                }
            }
            Customer::Email(email) => {
                add(&mut identity.emails, email);
                for user in users.iter().filter(|u| u.email.as_deref() == Some(email)) {
                    if let Some(id) = &user.user_id {
                        add(&mut identity.user_ids, id);
                    }
                }
            }
        }
        identity
    }

    /// Whether a user reference of a body (`usr_…` or an email) is the customer.
    pub fn is(&self, reference: &str) -> bool {
        if reference.starts_with("usr_") {
            self.user_ids.iter().any(|id| id == reference)
        } else {
            self.emails.contains(&fold_email(reference))
        }
    }

    /// Whether a record with this owner is the customer's.
    pub fn owns(&self, owner: &Owner) -> bool {
        owner
            .user_id
            .as_ref()
            .is_some_and(|id| self.user_ids.contains(id))
            || owner
                .email
                .as_ref()
                .is_some_and(|e| self.emails.contains(e))
    }

    /// The owner new records of this customer get: every form known.
    pub fn owner(&self) -> Owner {
        Owner {
            user_id: self.user_ids.first().cloned(),
            email: self.emails.first().cloned(),
        }
    }
}

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

/// The Worker's own scopes that reach the whole account: every customer's
/// events, and the forwarding dead letters.
pub const ACCOUNT_EXTRA_SCOPES: &[&str] = &["events.readAll", "forwarding.admin"];

/// Whether a scope name reaches the whole account (see [`Rule::Account`]).
pub fn is_account_scope(name: &str) -> bool {
    ACCOUNT_EXTRA_SCOPES.contains(&name)
        || Endpoint::from_client_name(name).is_some_and(|e| rule(e) == Rule::Account)
}

/// What a reference must be for the request to go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Must {
    /// The customer's own record: an unknown one is refused too.
    BeOwn,
    /// Not another customer's (a name to buy or import may be unknown).
    NotBeOthers,
}

/// A record a request names, and the field that names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub kind: Kind,
    pub id: String,
    pub field: String,
    pub must: Must,
}

/// A request the proxy refuses: the HTTP status and the API's envelope.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub status: u16,
    pub envelope: Value,
}

impl Refusal {
    fn new(status: u16, code: &str, field: &str, message: &str) -> Refusal {
        Refusal {
            status,
            envelope: envelope(&[Problem::new(code, field, message)]),
        }
    }

    fn not_found(reference: &Reference) -> Refusal {
        let what = match reference.kind {
            Kind::User => "user",
            Kind::Order => "order",
            Kind::Domain => "domain",
            Kind::Import => "import",
            Kind::Forwarding => "forwarding job",
            Kind::Swap => "swap",
        };
        Refusal::new(
            404,
            codes::NOT_FOUND,
            &reference.field,
            &format!("no such {what} among this customer's records"),
        )
    }

    /// 400 with the error's problems (a validation error), or the error itself as one.
    pub fn invalid(e: PeekerError) -> Refusal {
        let problems = if e.problems.is_empty() {
            vec![Problem::new(
                &e.code,
                e.field.clone().unwrap_or_default(),
                e.message,
            )]
        } else {
            e.problems
        };
        Refusal {
            status: 400,
            envelope: envelope(&problems),
        }
    }
}

/// What the proxy does after the look-ups.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Send this request upstream.
    Send(HttpRequest),
    /// Answer this (200) without asking upstream: a list forced to a
    /// customer the table cannot name in the form the filter takes (an
    /// email token listing swaps before any of its orders was seen) is empty.
    Answer(Value),
}

/// One request of a customer token, checked and reduced to the references
/// the Worker must look up.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerRequest {
    pub endpoint: Endpoint,
    pub customer: Customer,
    /// The records it names.
    pub references: Vec<Reference>,
    id: Option<String>,
    /// The body, or the query as the query parsers read it.
    arg: Value,
    /// The canonical body as JSON (names normalised), when there is one.
    body: Option<Value>,
}

/// The list filter forced to the customer, by endpoint: the parameter that
/// takes a user id, the one that takes an email, and whether one parameter
/// takes either (`orders.pending`'s `user`).
fn forced_filter(endpoint: Endpoint) -> Option<(Option<&'static str>, Option<&'static str>)> {
    use Endpoint::*;
    match endpoint {
        ListOrders | ListDomains => Some((Some("user_id"), Some("user_email"))),
        ListPending => Some((Some("user"), Some("user"))),
        ListSwaps => Some((Some("user_id"), None)),
        ListUsers => Some((None, Some("email"))),
        _ => None,
    }
}

impl CustomerRequest {
    /// Checks a request of the customer `sub` to `endpoint` (already matched
    /// and in the token's scope): `id` the path's id, `query` the raw query
    /// string (without `?`), `body` the parsed JSON body (`null` for none).
    /// Refused: 401 a `sub` that is not canonical, 400 what the request
    /// builder refuses, 403 a create for someone else or an email change.
    pub fn new(
        endpoint: Endpoint,
        id: Option<&str>,
        query: &str,
        body: &Value,
        sub: &str,
    ) -> Result<CustomerRequest, Refusal> {
        let customer = Customer::from_sub(sub).map_err(|why| {
            Refusal::new(
                401,
                codes::UNAUTHORIZED,
                "",
                &format!("the browser token's sub is not a customer: {why}"),
            )
        })?;
        let arg = if endpoint.query_schema().is_some() {
            crate::route::query_args(endpoint, query).map_err(|p| Refusal {
                status: 400,
                envelope: envelope(&[p]),
            })?
        } else {
            body.clone()
        };
        let built = endpoint.build(id, &arg).map_err(Refusal::invalid)?;
        let body = built
            .body
            .as_deref()
            .and_then(|b| std::str::from_utf8(b).ok())
            .and_then(crate::json::parse);
        let mut request = CustomerRequest {
            endpoint,
            customer,
            references: Vec::new(),
            id: id.map(str::to_owned),
            arg,
            body,
        };
        request.check_shape()?;
        request.collect_references();
        Ok(request)
    }

    fn text(&self, key: &str) -> Option<&str> {
        self.body.as_ref()?.get(key)?.as_str()
    }

    /// The body rules that need no look-up.
    fn check_shape(&self) -> Result<(), Refusal> {
        let forbidden =
            |field: &str, message: &str| Err(Refusal::new(403, codes::FORBIDDEN, field, message));
        match self.endpoint {
            Endpoint::CreateUser => match &self.customer {
                Customer::Email(email)
                    if self.text("email").is_some_and(|e| fold_email(e) == *email) =>
                {
                    Ok(())
                }
                _ => forbidden("email", "email must be the token's own customer (sub)"),
            },
            Endpoint::UpdateUser
                if self.body.as_ref().is_some_and(|b| b.get("email").is_some()) =>
            {
                forbidden(
                    "email",
                    "a customer token cannot change a user's email; the partner's backend can",
                )
            }
            _ => Ok(()),
        }
    }

    fn push(&mut self, kind: Kind, id: &str, field: String, must: Must) {
        self.references.push(Reference {
            kind,
            id: id.to_owned(),
            field,
            must,
        });
    }

    /// A domain reference of a body: a `dom_…` id must be the customer's;
    /// a name must be the customer's (`BeOwn`) or at least not another's.
    fn push_domain(&mut self, reference: &str, field: String, names_must: Must) {
        let must = if reference.starts_with("dom_") {
            Must::BeOwn
        } else {
            names_must
        };
        self.push(Kind::Domain, reference, field, must);
    }

    fn collect_references(&mut self) {
        use Endpoint::*;
        let path_kind = match self.endpoint {
            RetrieveUser | UpdateUser | DeleteUser => Some(Kind::User),
            RetrieveImport | RetrieveImportJob => Some(Kind::Import),
            RetrieveForwarding => Some(Kind::Forwarding),
            CancelOrder => Some(Kind::Order),
            RetrieveSwap => Some(Kind::Swap),
            _ => None,
        };
        if let (Some(kind), Some(id)) = (path_kind, self.id.clone()) {
            // A customer's own user id needs no look-up.
            if !(kind == Kind::User && self.customer == Customer::Id(id.clone())) {
                self.push(kind, &id, "id".to_owned(), Must::BeOwn);
            }
        }
        let list = |body: &Option<Value>, key: &str| -> Vec<String> {
            body.as_ref()
                .and_then(|b| b.get(key))
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|d| d.as_str().or_else(|| d.get("domain")?.as_str()))
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        let (names, must) = match self.endpoint {
            CreateOrder | ImportDomains | CreateImportJob => {
                (list(&self.body, "domains"), Must::NotBeOthers)
            }
            CancelOrder | CreateForwarding => (list(&self.body, "domains"), Must::BeOwn),
            LookupImports => (list(&Some(self.arg.clone()), "domains"), Must::BeOwn),
            _ => (Vec::new(), Must::BeOwn),
        };
        for (i, name) in names.iter().enumerate() {
            // The lookup's names are sent as given: compare them normalised.
            let name = normalize_domain(name).unwrap_or_else(|_| name.clone());
            self.push_domain(&name, format!("domains[{i}]"), must);
        }
        if let (CreateSwap | SwapUserNames, Some(domain)) =
            (self.endpoint, self.text("domain_id").map(str::to_owned))
        {
            self.push_domain(&domain, "domain_id".to_owned(), Must::BeOwn);
        }
        if let (CreateSwap, Some(name)) = (
            self.endpoint,
            self.text("replacement_domain").map(str::to_owned),
        ) {
            self.push_domain(&name, "replacement_domain".to_owned(), Must::NotBeOthers);
        }
    }

    /// With the customer's identity and the owners the table holds for
    /// [`references`](Self::references) (`(kind, id, owner)`, unknown ones
    /// left out): what to send, or why not (404 for a record that is not the
    /// customer's, as if it did not exist).
    pub fn decide(
        &self,
        identity: &Identity,
        owners: &[(Kind, String, Owner)],
    ) -> Result<Decision, Refusal> {
        if self.endpoint == Endpoint::CreateOrder
            && !self.text("user").is_some_and(|u| identity.is(u))
        {
            return Err(Refusal::new(
                403,
                codes::FORBIDDEN,
                "user",
                "user must be the token's own customer (sub)",
            ));
        }
        for reference in &self.references {
            let owner = owners
                .iter()
                .find(|(k, id, _)| *k == reference.kind && *id == reference.id)
                .map(|(_, _, o)| o)
                .filter(|o| o.is_known());
            let allowed = match (reference.must, owner) {
                (_, Some(owner)) => identity.owns(owner),
                (Must::BeOwn, None) => false,
                (Must::NotBeOthers, None) => true,
            };
            if !allowed {
                return Err(Refusal::not_found(reference));
            }
        }
        let Some((by_id, by_email)) = forced_filter(self.endpoint) else {
            return self.build(&self.arg).map(Decision::Send);
        };
        let mut query = match &self.arg {
            Value::Object(map) => map.clone(),
            _ => Map::new(),
        };
        for key in [by_id, by_email].into_iter().flatten() {
            query.remove(key);
        }
        let forced = match (&self.customer, by_id, by_email) {
            (Customer::Id(id), Some(key), _) => Some((key, id.clone())),
            (Customer::Email(email), _, Some(key)) => Some((key, email.clone())),
            (Customer::Id(_), None, Some(key)) => identity.emails.first().map(|e| (key, e.clone())),
            (Customer::Email(_), Some(key), None) => {
                identity.user_ids.first().map(|id| (key, id.clone()))
            }
            _ => None,
        };
        let Some((key, value)) = forced else {
            return self
                .build(&Value::Object(query))
                .map(|r| Decision::Answer(empty_page(&r)));
        };
        query.insert(key.to_owned(), value.into());
        self.build(&Value::Object(query)).map(Decision::Send)
    }

    fn build(&self, arg: &Value) -> Result<HttpRequest, Refusal> {
        self.endpoint
            .build(self.id.as_deref(), arg)
            .map_err(Refusal::invalid)
    }

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

/// An empty list page for `request` (links relative to the base URL).
fn empty_page(request: &HttpRequest) -> Value {
    let per_page = request
        .query
        .iter()
        .find(|(k, _)| k == "per_page")
        .and_then(|(_, v)| v.parse::<u64>().ok())
        .unwrap_or(25);
    object(vec![
        ("data", Value::Array(Vec::new())),
        (
            "links",
            object(vec![
                ("first", request.path_and_query().into()),
                ("next", Value::Null),
            ]),
        ),
        (
            "meta",
            object(vec![
                ("path", request.path.clone().into()),
                ("per_page", per_page.into()),
                ("returned", 0.into()),
            ]),
        ),
    ])
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
